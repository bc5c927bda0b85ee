// What every query action is: a function of the model and the request's parameters that
// returns its result members, or the AWS error to answer with.

import type { Result } from './errors.js';
import type { AwsModel } from './model.js';
import type { XmlValue } from './xml.js';

export type Fields = { readonly [name: string]: XmlValue };

/** What an action did: its result members, and for a mutating one what it changed (for the recorder). */
export type ActionOutcome = { readonly result?: Fields; readonly target?: string };

export type QueryAction = { readonly mutating: boolean; readonly run: (model: AwsModel, params: URLSearchParams) => Result<ActionOutcome> };
