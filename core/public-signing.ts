// Public entry for API clients outside the core (the desktop main process signs remote requests with it): the
// CloudStack request-signing primitives and nothing else, so importing it pulls in no database or server code.
export { canonicalString, signCanonical, type SignatureAlgo } from './api/signature';
