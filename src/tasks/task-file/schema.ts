// The task file format (YAML), validated with zod at the boundary. README "Your own tasks" documents it.
import { z } from 'zod';
import { nameAsRead } from '../../release/files.js';

/** A name the file gives (a column, a label, a reader, a metric), read as data files' names are (nameAsRead). */
const name = <T extends z.ZodType>(inner: T) => z.preprocess((v) => (typeof v === 'string' ? nameAsRead(v) : v), inner);

const column = name(z.string().min(1, 'a column name'));

/** Where a data or generations file is: relative to the task file, or inside a pulled folder. */
const located = {
  /** `release` (the J-ClinicalBench release) or a pack's folder (`JMED-LLM`); absent: beside the task file. */
  from: name(z.string().min(1)).optional(),
};

const template = z.union([z.string().min(1), z.strictObject({ file: z.string().min(1) })]);

export const ANSWER_KINDS = ['option', 'label', 'list', 'spans', 'text', 'exam'] as const;

const dataFile = z.string().regex(/\.(csv|jsonl|json)$/i, 'a .csv, .jsonl or .json file');

export const taskFileSchema = z.strictObject({
  /** Lowercase letters, digits and dashes; never a built-in id. */
  id: name(z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes, e.g. my-discharge-qa')),
  title: z.string().min(1),
  /** The column name in boards (default: the id). */
  label: z.string().min(1).max(24).optional(),
  licence: z.string().min(1).optional(),
  /** Who made the data, where it is published. */
  source: z.string().min(1).optional(),
  /** A hospital's own data: sent only to on-premises models, never shown in Slack (src/policy/data-policy.ts). */
  private: z.boolean().default(false),
  data: z.strictObject({
    ...located,
    /** A .csv, .jsonl or .json (an array of objects) file, or several whose rows follow one another. */
    file: z.union([dataFile, z.array(dataFile).min(1)]),
    /** The gold in another file (an answer key), joined on the id: `{ file, id, gold }` (its own column names). */
    answers: z.strictObject({ file: dataFile, id: column, gold: column }).optional(),
    /** Rows left out (their count is said with the task), e.g. `{ column: has_image, equals: true, why: … }`. */
    exclude: z
      .strictObject({ column, equals: z.union([z.string(), z.number(), z.boolean()]), why: z.string().min(1) })
      .optional(),
    /** The id column; absent: the row number from 1. */
    id: column.optional(),
    /** The columns people read as the document (joined by blank lines). */
    input: z.union([column, z.array(column).min(1)]),
    gold: column,
  }),
  /** Released generations, in the release's layout: `<dir>/<model folder>/<shot>_shot.json`. */
  generations: z
    .strictObject({
      ...located,
      dir: z.string().min(1),
      id: column.optional(),
      output: column.default('generated'),
      /** Optional: the data holds the gold; a gold given here must equal the data's (generations.ts). */
      gold: column.optional(),
      /** `choice-index`: the file stores the parsed choice as a 0-based integer (the release's ExamQA). */
      outputIs: z.enum(['text', 'choice-index']).default('text'),
    })
    .optional(),
  prompts: z.strictObject({
    zero: template,
    one: template.optional(),
    /** The id of the one-shot example (left out of one-shot evaluation); default: the first row. */
    example: z.union([z.string(), z.number()]).optional(),
  }),
  answer: z.strictObject({
    kind: name(z.enum(ANSWER_KINDS)),
    reader: name(z.string().min(1)),
    /** option: the column holding the options (a list), or the columns holding one option each. */
    options: z.union([column, z.array(column).min(2)]).optional(),
    /** option: how options are named (default numbers 1, 2, …); label: the labels, in their order. */
    labels: z
      .union([name(z.enum(['numbers', 'letters', 'lowercase'])), z.array(name(z.string().min(1))).min(2)])
      .optional(),
    /** option: the gold column holds a 0-based index (the release's ExamQA `answer_idx`). */
    goldIsIndex: z.boolean().default(false),
    /** exam: the exam's rule for points and accepted answers (src/tasks/task-file/exam.ts). */
    exam: name(z.string().min(1)).optional(),
    /** spans: the tag names (`<d>…</d>`). */
    tags: z
      .array(name(z.string()).pipe(z.string().regex(/^[\p{L}\p{N}_-]+$/u, 'a tag name such as d')))
      .min(1)
      .optional(),
  }),
  /** The metrics, from the registry; the first is the headline. */
  metrics: z.array(name(z.string().min(1))).min(1),
  /** Published results shown beside our runs, marked as published. */
  references: z
    .array(
      z.strictObject({
        model: z.string().min(1),
        metric: name(z.string().min(1)),
        value: z.number().min(-1).max(2),
        source: z.string().min(1),
      }),
    )
    .default([]),
});

export type TaskFile = z.infer<typeof taskFileSchema>;
