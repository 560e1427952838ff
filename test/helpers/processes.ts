import fs from 'node:fs';

/**
 * Not yet exited. A process whose parent is gone is a zombie until this machine's init reaps
 * it, which can take seconds: it has exited (written its files) all the same.
 */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // No /proc: a zombie cannot be told apart.
  }
}
