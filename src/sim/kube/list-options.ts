// The query of a list or a watch read as the API server reads it: metav1.ListOptions
// decoded from the URL by its parameter codec (booleans and integers as its conversion
// functions take them; an integer that does not parse is a 400 with strconv's words),
// then checked by ValidateListOptions (422 Invalid on ListOptions.meta.k8s.io).

import { badRequest } from './api-error.js';
import { type FieldError, forbidden, invalidError, notSupported } from './validation/field-error.js';

export type ResourceVersionMatch = '' | 'NotOlderThan' | 'Exact';

export type ListOptions = {
  readonly watch: boolean;
  readonly allowWatchBookmarks: boolean;
  /** Absent unless asked for (a *bool in Go: absent differs from false). */
  readonly sendInitialEvents: boolean | undefined;
  /** "" when not given. */
  readonly resourceVersion: string;
  readonly resourceVersionMatch: ResourceVersionMatch;
  readonly continue: string;
  /** 0: no limit. */
  readonly limit: number;
  readonly timeoutSeconds: number | undefined;
};

/**
 * runtime.Convert_Slice_string_To_bool: absent, "0" or "false" in any case is false;
 * anything else, the empty value included, is true (so the Python client's watch=True
 * is a watch). Never an error.
 */
export function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const values = query.getAll(name);
  if (values.length === 0) return undefined;
  const value = values[0]!;
  return !(value === '0' || value.toLowerCase() === 'false');
}

/** Whether a collection GET is a watch, as the request-info resolver decides it. */
export const isWatch = (query: URLSearchParams): boolean => queryBool(query, 'watch') ?? false;

/** strconv.ParseInt(s, 10, 64), with its error text. */
function parseInt64(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`);
  const value = BigInt(text);
  if (value > 2n ** 63n - 1n || value < -(2n ** 63n)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(text)}: value out of range`);
  return Number(value);
}

function queryInt(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  return value === null ? undefined : parseInt64(value);
}

export function listOptions(query: URLSearchParams): ListOptions {
  const options: ListOptions = {
    watch: isWatch(query),
    allowWatchBookmarks: queryBool(query, 'allowWatchBookmarks') ?? false,
    sendInitialEvents: queryBool(query, 'sendInitialEvents'),
    resourceVersion: query.get('resourceVersion') ?? '',
    resourceVersionMatch: (query.get('resourceVersionMatch') ?? '') as ResourceVersionMatch,
    continue: query.get('continue') ?? '',
    limit: queryInt(query, 'limit') ?? 0,
    timeoutSeconds: queryInt(query, 'timeoutSeconds'),
  };
  const errors = options.watch ? watchErrors(options) : listErrors(options);
  if (errors.length > 0) throw invalidError('ListOptions', 'meta.k8s.io', '', errors);
  return options;
}

function listErrors(o: ListOptions): FieldError[] {
  const errors: FieldError[] = [];
  const match = o.resourceVersionMatch;
  if (match !== '') {
    if (o.resourceVersion === '') errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (o.continue !== '') errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') errors.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && o.resourceVersion === '0') errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (o.sendInitialEvents !== undefined) errors.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  return errors;
}

/** The WatchList feature (sendInitialEvents) is on, as in a v1.32 API server. */
function watchErrors(o: ListOptions): FieldError[] {
  const errors: FieldError[] = [];
  const match = o.resourceVersionMatch;
  if (o.sendInitialEvents !== undefined && match !== 'NotOlderThan') {
    errors.push(forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
  }
  if (match !== '') {
    if (o.sendInitialEvents === undefined) errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    if (match !== 'NotOlderThan') errors.push(notSupported('resourceVersionMatch', match, ['NotOlderThan']));
    if (o.continue !== '') errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  }
  return errors;
}
