/**
 * PKCE (RFC 7636) with WebCrypto only: a random verifier, its S256 challenge, and a random
 * state. Pure and DOM-free, so the Node unit tests run the same code the page does.
 */

/** Base64url without padding (RFC 7636 Appendix A): the alphabet the verifier and challenge use. */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 32 random bytes give a 43-character verifier, the shortest RFC 7636 allows and 256 bits of entropy. */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** `BASE64URL(SHA256(ASCII(code_verifier)))`: the S256 code challenge. */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}
