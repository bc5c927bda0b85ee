// How the simulated API server reads a list's or a watch's query: booleans as
// runtime.Convert_Slice_string_To_bool (never an error), integers as strconv.ParseInt
// (400 when they do not parse), then ValidateListOptions (422 on ListOptions).

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/sim/kube/api-error.js';
import { isWatch, listOptions, queryBool } from '../../../src/sim/kube/list-options.js';

const q = (text: string) => new URLSearchParams(text);

function refusal(text: string): ApiError {
  try {
    listOptions(q(text));
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error(`${text} was accepted`);
}

describe('boolean query parameters', () => {
  it('are false only when absent, "0" or "false" in any case; anything else is true, the Python client\'s True included', () => {
    for (const value of ['true', 'True', 'TRUE', '1', 't', 'yes', '']) expect(queryBool(q(`watch=${value}`), 'watch'), value).toBe(true);
    for (const value of ['false', 'False', 'FALSE', 'fAlSe', '0']) expect(queryBool(q(`watch=${value}`), 'watch'), value).toBe(false);
    expect(queryBool(q('limit=1'), 'watch')).toBeUndefined();
    expect(isWatch(q('watch'))).toBe(true); // ?watch with no value
    expect(isWatch(q('watch=False&watch=true'))).toBe(false); // the first value counts
  });

  it('read allowWatchBookmarks and sendInitialEvents the same way', () => {
    expect(listOptions(q('watch=True&allowWatchBookmarks=True'))).toMatchObject({ watch: true, allowWatchBookmarks: true, sendInitialEvents: undefined });
    expect(listOptions(q('watch=1&allowWatchBookmarks=0&sendInitialEvents=False&resourceVersionMatch=NotOlderThan'))).toMatchObject({ allowWatchBookmarks: false, sendInitialEvents: false });
  });
});

describe('integer query parameters', () => {
  it('are a 400 with strconv\'s words when they do not parse', () => {
    expect(refusal('limit=ten')).toMatchObject({ code: 400, reason: 'BadRequest', message: 'strconv.ParseInt: parsing "ten": invalid syntax' });
    expect(refusal('watch=1&timeoutSeconds=1.5')).toMatchObject({ code: 400, message: 'strconv.ParseInt: parsing "1.5": invalid syntax' });
    expect(refusal('limit=9223372036854775808')).toMatchObject({ code: 400, message: 'strconv.ParseInt: parsing "9223372036854775808": value out of range' });
    expect(listOptions(q('limit=%2B5&timeoutSeconds=30'))).toMatchObject({ limit: 5, timeoutSeconds: 30 });
  });
});

describe('ValidateListOptions', () => {
  it('refuses resourceVersionMatch without a resourceVersion, with continue, out of its values, and Exact at "0"', () => {
    expect(refusal('resourceVersionMatch=Exact')).toMatchObject({
      code: 422, reason: 'Invalid',
      message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    });
    expect(refusal('resourceVersion=5&resourceVersionMatch=Exact&continue=abc').message).toBe('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided');
    expect(refusal('resourceVersion=5&resourceVersionMatch=exact').message).toBe('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "exact": supported values: "Exact", "NotOlderThan", ""');
    expect(refusal('resourceVersion=0&resourceVersionMatch=Exact').message).toBe('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
    expect(refusal('sendInitialEvents=true').message).toBe('ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list');
    expect(listOptions(q('resourceVersion=5&resourceVersionMatch=NotOlderThan')).resourceVersionMatch).toBe('NotOlderThan');
  });

  it('refuses for a watch resourceVersionMatch without sendInitialEvents, and sendInitialEvents without NotOlderThan', () => {
    expect(refusal('watch=1&resourceVersion=5&resourceVersionMatch=NotOlderThan').message).toBe('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
    expect(refusal('watch=1&sendInitialEvents=true').message).toBe('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
    expect(refusal('watch=1&sendInitialEvents=true&resourceVersionMatch=Exact').message).toBe('ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]');
  });
});
