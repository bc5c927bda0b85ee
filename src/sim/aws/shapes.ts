// The string shapes of the botocore model (autoscaling 2011-01-01) that the served actions take,
// with the constraints AWS checks before anything else: lengths, and the pattern as the model
// writes it, which is also how AWS quotes it in its validation message.

export type ModelPattern = { readonly source: string; readonly regex: RegExp };

/** Constraints on a string value, or on every member of a list of strings. */
export type StringRule = {
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: ModelPattern;
  /** An enum the service checks (the model may call the shape a plain string). */
  readonly values?: readonly string[];
};

// Whole-value match, in Unicode mode: the model's \uD800\uDC00-\uDBFF\uDFFF is the range of
// astral code points written as surrogate pairs.
const pattern = (source: string): ModelPattern => ({ source, regex: new RegExp(`^(?:${source})$`, 'u') });

/** Characters XML may carry; every XmlString shape has it. */
const XML_CHARS = pattern('[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*');

export const XML_STRING: StringRule = { pattern: XML_CHARS };

/** XmlStringMaxLen19, …255, …1600, …2047; ResourceName is the 1600 one. */
export const xmlStringMaxLen = (maxLength: number): StringRule => ({ minLength: 1, maxLength, pattern: XML_CHARS });

export const LAUNCH_TEMPLATE_NAME: StringRule = { minLength: 3, maxLength: 128, pattern: pattern('[a-zA-Z0-9\\(\\)\\.\\-/_]+') };

type Check = { readonly words: string; readonly holds: (value: string) => boolean };

/** Each constraint of the rule in AWS's (Coral's) words, with its test; lengths count code points. */
function checks(rule: StringRule): Check[] {
  const length = (value: string): number => [...value].length;
  const { minLength, maxLength, pattern: p, values } = rule;
  return [
    maxLength !== undefined && { words: `Member must have length less than or equal to ${maxLength}`, holds: (v: string) => length(v) <= maxLength },
    minLength !== undefined && { words: `Member must have length greater than or equal to ${minLength}`, holds: (v: string) => length(v) >= minLength },
    p !== undefined && { words: `Member must satisfy regular expression pattern: ${p.source}`, holds: (v: string) => p.regex.test(v) },
    values !== undefined && { words: `Member must satisfy enum value set: [${values.join(', ')}]`, holds: (v: string) => values.includes(v) },
  ].filter((c): c is Check => c !== false);
}

/** The constraints one string breaks. */
export const stringProblems = (value: string, rule: StringRule): string[] => checks(rule).filter((c) => !c.holds(value)).map((c) => c.words);

/** Every constraint of the rule, as AWS lists them for a list whose member breaks one. */
export const ruleWords = (rule: StringRule): string[] => checks(rule).map((c) => c.words);
