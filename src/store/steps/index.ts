// Every schema step in order of its name (Kysely sorts by name): one file per step after 012.
import type { Migration } from 'kysely';
import { firstSteps } from './001-012.js';
import { labelVersions } from './013-label-versions.js';
import { documentSets } from './014-document-sets.js';
import { privateAccessStep } from './033-private-access.js';
import { runAssumptionsStep } from './034-run-assumptions.js';
import { privateAccessViewStep } from './035-private-access-view.js';
import { buttonClaimsStep } from './036-button-claims.js';
import { textColumnsStep } from './037-text-columns.js';
import { runQueueStep } from './038-run-queue.js';
import { runStallReasonStep } from './039-run-stall-reason.js';
import { runOwnerStep } from './040-run-owner.js';
import { usageEstimatedStep } from './041-usage-estimated.js';

export const migrations: Record<string, Migration> = {
  ...firstSteps,
  ...labelVersions,
  ...documentSets,
  ...privateAccessStep,
  ...runAssumptionsStep,
  ...privateAccessViewStep,
  ...buttonClaimsStep,
  ...textColumnsStep,
  ...runQueueStep,
  ...runStallReasonStep,
  ...runOwnerStep,
  ...usageEstimatedStep,
};
