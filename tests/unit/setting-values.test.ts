/** The validators every setting and flag shares, one kind of value at a time, edges included. */
import { describe, expect, it } from 'vitest';
import { duration, MAX_DURATION_MS, oneOf, port, size, text, trimmed, wholeNumber, yesNo } from '../../runtime/core/setting-values.js';

const at = { label: 'c.ini [s] k', code: 'BT_TEST_SETTING' };
const refused = (fn: () => unknown, message: RegExp) => expect(fn).toThrow(expect.objectContaining({ code: 'BT_TEST_SETTING', message: expect.stringMatching(message) }));

describe('setting values', () => {
  it('reads a duration in seconds, or with ms, s, m or h, into milliseconds', () => {
    expect(duration('10', at)).toBe(10_000);
    expect(duration('0.5', at)).toBe(500);
    expect(duration('.25', at)).toBe(250);
    expect(duration('0', at)).toBe(0);
    expect(duration('500ms', at)).toBe(500);
    expect(duration('1.5 s', at)).toBe(1500);
    expect(duration('5m', at)).toBe(300_000);
    expect(duration('1H', at)).toBe(3_600_000);
    expect(duration(' 30s ', at)).toBe(30_000);
    expect(duration('0.1ms', at)).toBe(0.1);
  });

  it('refuses a negative, malformed or too long duration, naming the place', () => {
    for (const bad of ['-1', 'soon', '1e3', '10 sec', 'Infinity', 'NaN', '1.', '5d', '']) {
      refused(() => duration(bad, at), /^c\.ini \[s\] k: ".*" is not a duration$/);
    }
    expect(duration(`${MAX_DURATION_MS}ms`, at)).toBe(MAX_DURATION_MS);
    refused(() => duration(`${MAX_DURATION_MS + 1}ms`, at), /is longer than the longest timer/);
    refused(() => duration('600h', at), /longest timer/);
    refused(() => duration(['1', '2'], at), /expected one value/);
    refused(() => duration(true, at), /expected one value/);
  });

  it('reads a port from 0 to 65535 and nothing else', () => {
    expect(port('0', at)).toBe(0);
    expect(port('65535', at)).toBe(65535);
    for (const bad of ['65536', '-1', '80.5', '8e3', 'eighty', '0x50', '+80']) refused(() => port(bad, at), /is not a port number/);
  });

  it('reads whole numbers within their range', () => {
    expect(wholeNumber(1)('3', at)).toBe(3);
    expect(wholeNumber(0, 9)('9', at)).toBe(9);
    refused(() => wholeNumber(1)('0', at), /"0" is not a whole number of 1 or more/);
    refused(() => wholeNumber(0, 9)('10', at), /"10" is not a whole number from 0 to 9/);
    refused(() => wholeNumber(1)('2.5', at), /not a whole number/);
    refused(() => wholeNumber(1)('99999999999999999999', at), /not a whole number/);
  });

  it('reads yes/no words and flags, in any case', () => {
    expect(['1', 'yes', 'ON', 'true'].map((word) => yesNo(word, at))).toEqual([true, true, true, true]);
    expect(['0', 'no', 'Off', 'false'].map((word) => yesNo(word, at))).toEqual([false, false, false, false]);
    expect(yesNo(true, at)).toBe(true);
    refused(() => yesNo('maybe', at), /"maybe" is not a yes\/no value/);
  });

  it('reads sizes with 1024-based units, and one of a set of words', () => {
    expect(size('1.5k', at)).toBe(1536);
    expect(size('1 GiB', at)).toBe(1024 ** 3);
    refused(() => size('10 megs', at), /"10 megs" is not a size/);
    expect(oneOf(['a b', 'c'] as const, (word) => word.replace(/_/g, ' '))('a_b', at)).toBe('a b');
    refused(() => oneOf(['x', 'y'] as const)('z', at), /"z" is not known/);
    // Text stays as written (a password may end in a space); a host name does not.
    expect(text('pass ', at)).toBe('pass ');
    expect(trimmed('  spaced  ', at)).toBe('spaced');
  });
});
