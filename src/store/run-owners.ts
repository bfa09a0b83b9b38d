// The owners of foreground runs (src/evaluation/owner.ts): who runs a run, its heartbeat, and the stop of a run
// whose process is gone. Retried as every store method (retry.ts); each write is idempotent.
import type { Selectable } from 'kysely';
import { callStamp } from './retry.js';
import { SideTables } from './side-tables.js';
import type { RunsTable } from './schema.js';

type Run = Selectable<RunsTable>;

/** The process that runs a foreground run (src/evaluation/owner.ts). */
export interface RunOwner {
  host: string;
  pid: number;
  /** The process's start identity where it can be read (Linux), else null. */
  start: string | null;
  /** Random, made once per process. */
  token: string;
}
/** A run without an owner (a queued run, or one no process runs). */
export const NO_OWNER = { owner_host: null, owner_pid: null, owner_start: null, owner_token: null, heartbeat_at: null };
export class RunOwners extends SideTables {
  /** Makes `owner` the process that runs `id` now (a resume takes the run over), with a heartbeat of now. */
  async claimRun(id: string, owner: RunOwner): Promise<void> {
    const set = { owner_host: owner.host, owner_pid: owner.pid, owner_start: owner.start, owner_token: owner.token };
    await this.db
      .updateTable('runs')
      .set({ ...set, heartbeat_at: callStamp().now })
      .where('id', '=', id)
      .execute();
  }

  /** Refreshes the heartbeat of run `id` if process `token` still owns it; false when it does not (taken over, let go). */
  async heartbeat(id: string, token: string): Promise<boolean> {
    const result = await this.db
      .updateTable('runs')
      .set({ heartbeat_at: callStamp().now })
      .where('id', '=', id)
      .where('owner_token', '=', token)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Runs `running` with an owner (foreground runs under way): those a reader checks for a process gone. */
  async ownedRuns(): Promise<Run[]> {
    return this.db
      .selectFrom('runs')
      .selectAll()
      .where('status', '=', 'running')
      .where('owner_token', 'is not', null)
      .execute();
  }

  /**
   * Stops run `run` as `interrupted` with `reason`, only if it is still `running` under the same owner and
   * heartbeat as read (a process that beat since, or a resume that took it over, is not touched). True when
   * stopped; a retry of a stop that committed finds its own reason and stamp.
   */
  async stopOrphan(run: Run, reason: string): Promise<boolean> {
    const stamp = callStamp().now;
    const result = await this.db
      .updateTable('runs')
      .set({ status: 'interrupted', updated_at: stamp, stall_reason: reason, ...NO_OWNER })
      .where('id', '=', run.id)
      .where((eb) =>
        eb.or([
          eb.and([
            eb('status', '=', 'running'),
            eb('owner_token', '=', run.owner_token ?? ''),
            eb('heartbeat_at', run.heartbeat_at ? '=' : 'is', run.heartbeat_at ?? null),
          ]),
          eb.and([eb('status', '=', 'interrupted'), eb('updated_at', '=', stamp), eb('stall_reason', '=', reason)]),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
