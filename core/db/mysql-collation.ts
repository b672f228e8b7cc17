// The one collation of every MySQL/MariaDB table and connection (present on MariaDB 10.x and MySQL 8): case-insensitive
// like SQLite's LIKE, and what CloudStack's own MySQL schema uses in spirit (utf8 *_ci).
export const MYSQL_COLLATION = 'utf8mb4_unicode_ci';
