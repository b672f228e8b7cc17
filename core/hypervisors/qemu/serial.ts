// A client for a VM's serial console socket (raw bytes both ways): tests and demos type commands into the
// guest's shell and wait for what it prints. QEMU serves one client at a time on the socket.
import net from 'node:net';

export interface SerialConsole {
  /** Everything received since connecting. */
  output(): string;
  send(text: string): void;
  /** Resolves with the output once `re` matches the text received after offset `from` (default 0). */
  waitFor(re: RegExp, timeoutMs: number, from?: number): Promise<string>;
  /**
   * Runs a shell command and returns what it printed. The end marker is computed by the guest's shell
   * ($((...))), so the echo of the typed line never matches it.
   */
  exec(command: string, timeoutMs?: number): Promise<string>;
  close(): void;
}

let seq = 0;

export function openSerial(socketPath: string, timeoutMs = 5000): Promise<SerialConsole> {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection({ path: socketPath });
    let buf = '';
    const waiters = new Set<() => void>();
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`serial console ${socketPath}: connect timed out`)); }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => { buf += d; for (const w of [...waiters]) w(); });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    sock.on('close', () => { for (const w of [...waiters]) w(); });

    const con: SerialConsole = {
      output: () => buf,
      send: (text) => { sock.write(text); },
      waitFor(re, ms, from = 0) {
        return new Promise((res, rej) => {
          const check = () => {
            if (re.test(buf.slice(from))) { done(); res(buf); return; }
            if (sock.destroyed) { done(); rej(new Error(`serial console closed while waiting for ${re}`)); }
          };
          const t = setTimeout(() => { done(); rej(new Error(`serial console: no ${re} within ${ms} ms; last output: ${JSON.stringify(buf.slice(-300))}`)); }, ms);
          const done = () => { clearTimeout(t); waiters.delete(check); };
          waiters.add(check);
          check();
        });
      },
      async exec(command, ms = 10_000) {
        const n = 100_000 + ++seq;
        const from = buf.length;
        con.send(`${command}; echo "@@$((${n}+1))@@"\n`);
        const end = `@@${n + 1}@@`;
        await con.waitFor(new RegExp(end), ms, from);
        const text = buf.slice(from);
        const body = text.slice(0, text.indexOf(end));
        // Drop the terminal's echo of the typed line, which the shell may wrap over several lines: it ends
        // with the marker expression.
        const echoEnd = body.lastIndexOf(`${n}+1))@@"`);
        const rest = echoEnd >= 0 ? body.slice(echoEnd) : body;
        return rest.slice(rest.indexOf('\n') + 1).replace(/\r/g, '');
      },
      close: () => { sock.destroy(); },
    };
    sock.once('connect', () => { clearTimeout(timer); sock.removeAllListeners('error'); sock.on('error', () => undefined); resolve(con); });
  });
}
