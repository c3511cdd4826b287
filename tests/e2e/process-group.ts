/**
 * Child processes started as `npx tsx …` in a process group of their own. npx, the group's
 * leader, exits within milliseconds of a SIGTERM while the node process it started is still
 * shutting down (closing its store, writing its last log lines) for a second or two. Waiting
 * for the leader alone is therefore not waiting for the program: stopGroup() waits until no
 * process of the group is left running.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * A member of the group that has not exited. A member that exited but is not yet reaped (a
 * zombie: tsx's launcher, reparented to a PID 1 that reaps it only now and then, ~1.5 s here)
 * holds nothing, so on Linux the states in /proc decide; elsewhere a signal 0 to the group.
 */
function groupAlive(pgid: number): boolean {
  if (process.platform === 'linux') {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited while we looked
      }
      // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
    }
    return false;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function leaderExited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Resolves once the leader has exited and no member of its group is left running. */
export async function groupGone(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  await leaderExited(child);
  const deadline = Date.now() + timeoutMs;
  while (child.pid && groupAlive(child.pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/** SIGTERM to the whole group, SIGKILL to whatever is left after `graceMs`; resolves when all are gone. */
export async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  signalGroup(child, 'SIGTERM');
  if (await groupGone(child, graceMs)) return;
  signalGroup(child, 'SIGKILL');
  if (!(await groupGone(child, 5_000))) throw new Error(`process group ${child.pid} still alive after SIGKILL`);
}

/** SIGKILL to the whole group (a power cut); resolves when all are gone. */
export async function killGroup(child: ChildProcess): Promise<void> {
  signalGroup(child, 'SIGKILL');
  if (!(await groupGone(child, 5_000))) throw new Error(`process group ${child.pid} still alive after SIGKILL`);
}
