/**
 * Adds an app to `[apps] active` in a config file, editing the text so that
 * the user's comments and layout stay as they were.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { activeAppEntries } from '../../runtime/project/apps.js';
import { parseConfig } from '../../runtime/project/config.js';

/** What happened to the config file. */
export type Activation = 'added' | 'already-active' | 'not-understood';

/** Appends `entry` to `[apps] active` in `file`; leaves the file alone unless the result parses with it listed. */
export function activateApp(file: string, entry: string): Activation {
  const text = readFileSync(file, 'utf8');
  if (activeAppEntries(parseConfig(text, file, {})).includes(entry)) return 'already-active';
  const updated = insertEntry(text, entry);
  try {
    if (!activeAppEntries(parseConfig(updated, file, {})).includes(entry)) return 'not-understood';
  } catch {
    return 'not-understood';
  }
  writeFileSync(file, updated);
  return 'added';
}

function insertEntry(text: string, entry: string): string {
  const lines = text.split('\n');
  const header = lines.findIndex((line) => /^\s*\[apps\]\s*$/.test(line));
  if (header === -1) {
    const end = text.endsWith('\n') || text === '' ? '' : '\n';
    return `${text}${end}\n[apps]\nactive =\n    ${entry}\n`;
  }
  let sectionEnd = lines.length;
  for (let index = header + 1; index < lines.length; index++) {
    if (/^\s*\[/.test(lines[index]!)) {
      sectionEnd = index;
      break;
    }
  }
  const key = lines.findIndex((line, index) => index > header && index < sectionEnd && /^active\s*=/.test(line));
  if (key === -1) {
    lines.splice(header + 1, 0, 'active =', `    ${entry}`);
    return lines.join('\n');
  }
  // The list goes on while lines are indented (blank and comment lines inside it are kept).
  let last = key;
  for (let index = key + 1; index < sectionEnd; index++) {
    const line = lines[index]!;
    if (/^\s+\S/.test(line) && !/^\s*[;#]/.test(line)) last = index;
    else if (line.trim() !== '' && !/^\s*[;#]/.test(line)) break;
  }
  lines.splice(last + 1, 0, `    ${entry}`);
  return lines.join('\n');
}
