// Micro-benchmark: what a small primary-key UPDATE costs mariadbd and Node sent as text many to a round trip (the
// statement pipeline's way) against a server-side prepared statement (COM_STMT_EXECUTE, one per round trip: mysql2
// sends a connection's next command only when the previous one has answered, so executes cannot share a round trip).
// Run: node bin/run-ts.mjs core/bench/prepared-probe.ts [--n 20000] [--conns 4]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createPool, type Pool } from 'mysql2/promise';
import { startMariaDb } from '../testing/mariadb';

const { values } = parseArgs({ options: { n: { type: 'string' }, conns: { type: 'string' } } });
const n = Number(values.n ?? 20000);
const conns = Number(values.conns ?? 4);

const ticks = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };

async function measure(label: string, pid: number, work: () => Promise<void>) {
  const s0 = ticks(pid);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  console.log(`${label.padEnd(52)} mariadbd ${((ticks(pid) - s0) * 1000 / n).toFixed(1).padStart(6)} us  node ${((c.user + c.system) / n).toFixed(1).padStart(6)} us  wall ${(wall * 1000 / n).toFixed(1).padStart(6)} us per statement`);
}

const update = (i: number) => [i % 1000 + 1, 1 + (i * 7919) % 10000] as const;

async function inParallel(pool: Pool, per: (conn: Awaited<ReturnType<Pool['getConnection']>>, from: number, to: number) => Promise<void>) {
  const chunk = Math.ceil(n / conns);
  await Promise.all(Array.from({ length: conns }, async (_, k) => {
    const c = await pool.getConnection();
    try { await per(c, k * chunk, Math.min(n, (k + 1) * chunk)); } finally { c.release(); }
  }));
}

async function main() {
  const m = await startMariaDb();
  const url = await m.createDatabase('probe');
  const pool = createPool({ uri: url, multipleStatements: true, connectionLimit: conns });
  try {
    await pool.query('create table t (id int primary key, a int not null, b varchar(64) not null, c int not null, key t_a (a, id))');
    for (let i = 0; i < 10; i++) {
      await pool.query(`insert into t values ${Array.from({ length: 1000 }, (_, j) => `(${i * 1000 + j + 1}, ${j}, 'row ${j}', 0)`).join(',')}`);
    }
    const sql = 'update t set a = ?, c = c + 1 where id = ?';
    for (let round = 0; round < 2; round++) {
      await measure('text, 10 per round trip in a transaction', m.pid, () => inParallel(pool, async (c, from, to) => {
        for (let i = from; i < to; i += 10) {
          const texts = [];
          for (let j = i; j < Math.min(to, i + 10); j++) texts.push(c.format(sql, [...update(j)]));
          await c.query(['begin', ...texts, 'commit'].join(';\n'));
        }
      }));
      await measure('EXECUTE ... USING literals, 10 per round trip, txn', m.pid, () => inParallel(pool, async (c, from, to) => {
        await c.query(`prepare s from '${sql}'`);
        for (let i = from; i < to; i += 10) {
          const texts = [];
          for (let j = i; j < Math.min(to, i + 10); j++) texts.push(c.format('execute s using ?, ?', [...update(j)]));
          await c.query(['begin', ...texts, 'commit'].join(';\n'));
        }
        await c.query('deallocate prepare s');
      }));
      await measure('text, one per round trip, autocommit', m.pid, () => inParallel(pool, async (c, from, to) => {
        for (let i = from; i < to; i++) await c.query(sql, [...update(i)]);
      }));
      await measure('prepared, one per round trip, autocommit', m.pid, () => inParallel(pool, async (c, from, to) => {
        for (let i = from; i < to; i++) await c.execute(sql, [...update(i)]);
      }));
      await measure('prepared, 10 in a transaction (12 round trips)', m.pid, () => inParallel(pool, async (c, from, to) => {
        for (let i = from; i < to; i += 10) {
          await c.query('begin');
          for (let j = i; j < Math.min(to, i + 10); j++) await c.execute(sql, [...update(j)]);
          await c.query('commit');
        }
      }));
    }
  } finally {
    await pool.end();
    await m.stop();
  }
}

void main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
