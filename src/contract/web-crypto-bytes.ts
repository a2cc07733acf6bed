/**
 * Byte views for WebCrypto under every type library the contract is compiled with: the DOM's (the
 * console builds these modules for browsers) refuses a view that might be over a
 * SharedArrayBuffer, which none passed here is.
 * @module
 */
type WebCryptoBytes = Parameters<typeof crypto.subtle.digest>[1];

export function buffer(view: Uint8Array): WebCryptoBytes {
  return view as WebCryptoBytes;
}
