/**
 * `config.json`, read by the dashboard at start-up: where the API is and how to sign in. The
 * AlexWeb stack writes it beside the assets on AWS (OIDC by issuer and client id); one schema
 * here so the writer and the page agree on its shape.
 */
import * as z from 'zod';

const HttpsOrigin = z.url({ protocol: /^https$/, error: 'must be an https URL' });

export const WebPageConfigSchema = z
  .object({
    /** The HTTP API's base URL (`/v1/...` hangs below it). */
    apiUrl: HttpsOrigin,
    /** Base URL for the SSE route (`/v1/analyses/{jobId}/events`); the API's own when absent. */
    streamUrl: HttpsOrigin.optional(),
    auth: z
      .object({
        kind: z.literal('oidc'),
        /** The OIDC issuer; the page finds its endpoints at `<issuer>/.well-known/openid-configuration`. */
        issuer: HttpsOrigin,
        clientId: z.string().min(1),
        /** Requested as `audience` where the provider needs one, so the API's authorizer accepts the token. */
        audience: z.string().min(1).optional(),
        scopes: z.array(z.string().min(1)).min(1),
      })
      .strict(),
  })
  .strict();

export type WebPageConfig = z.infer<typeof WebPageConfigSchema>;

/** `https://host[:port]` of a URL: what a CSP source list and CORS compare. */
export function originOf(url: string): string {
  return new URL(url).origin;
}
