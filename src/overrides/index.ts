// Capacity overrides: the model and its rules (pure), and the ConfigMap store the CLI
// writes and the daemon watches.
export { type Override, type OverrideDraft, type OverridePhase, type OverrideProblem, type OverrideSet, phaseAt } from './types.js';
export { formatEntry, parseEntries, parseEntry } from './codec.js';
export { type Applied, type AppliedSource, type Clamping, type Ignored, type OverrideSource, activeOverrides, applyOverrides, expired, newestFirst, nextOverrideChange } from './apply.js';
export { nextWindowChange } from './next-window.js';
export { type Cleared, DEFAULT_OVERRIDES_NAMESPACE, OVERRIDES_CONFIG_MAP, OVERRIDES_LABELS, type OverrideStore, type OverrideStoreOptions, WRITE_ATTEMPTS, createOverrideStore } from './store.js';
