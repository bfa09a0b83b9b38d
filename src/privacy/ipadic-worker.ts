// A thread that reads the compact IPADIC tables and hands them over (ipadic-files.ts says why a thread).
import { parentPort, workerData } from 'node:worker_threads';
import { readCompactIpadic, transferList } from './ipadic-files.js';

const compact = readCompactIpadic(workerData as string);
parentPort!.postMessage(compact, transferList(compact));
