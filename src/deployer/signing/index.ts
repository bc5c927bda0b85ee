// Secrets compared in constant time, and the HMAC signature of webhooks (both directions).
export { sameSecret } from '../../http/same-secret.js';
export {
  DEFAULT_TOLERANCE_SECONDS, SIGNATURE_HEADER, type ParsedSignature, type SignatureCheck,
  checkSignature, checkTimestamp, parseSignatureHeader, signatureHeader, signPayload,
} from './signature.js';
