/**
 * Reads a shard's message stream: a messages.ndjson file, or a directory holding one (as a CI
 * artifact downloads). A line that is not a JSON message is the caller's mistake, named by file
 * and line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Envelope } from '@cucumber/messages';
import { ShardMergeError } from './errors';
import type { ShardStream } from './merge';

/** The stream at `input` (a file, or a directory with messages.ndjson). */
export function readShardStream(input: string): ShardStream {
  const file =
    fs.existsSync(input) && fs.statSync(input).isDirectory() ? path.join(input, 'messages.ndjson') : input;
  if (!fs.existsSync(file))
    throw new ShardMergeError(
      'not-a-run',
      `${file} does not exist: give each shard's messages.ndjson (or the directory holding it)`,
    );
  const envelopes: Envelope[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        envelopes.push(JSON.parse(line) as Envelope);
      } catch {
        throw new ShardMergeError(
          'not-a-run',
          `${file}:${i + 1} is not a JSON message: give the messages.ndjson a shard run wrote`,
        );
      }
    });
  return { label: file, envelopes };
}
