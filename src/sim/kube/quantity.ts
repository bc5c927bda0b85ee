// The simulator parses quantities with the product's parser (src/quantity.ts), so the
// adapter and the simulated cluster can never disagree on what "0.1" or "1.5Gi" means.
export { cpuMillis, parseQuantity, quantityValue } from '../../quantity.js';
