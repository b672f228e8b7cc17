// Paging shared by every list handler: CloudStack's page/pagesize rules turned into offset and limit.

/** Offset/limit of a list query: limit defaults to maxPageSize; pagesize -1 (or no max) means all rows. */
export function pageWindow(
  args: { page?: number; pagesize?: number }, maxPageSize: number,
): { offset: number; limit: number | null } {
  const size = args.pagesize;
  const limit = size === -1 ? null : size ?? (maxPageSize > 0 ? maxPageSize : null);
  if (limit === null) return { offset: 0, limit: null };
  const page = args.page ?? 1;
  return { offset: (page - 1) * limit, limit };
}
