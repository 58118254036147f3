/**
 * The dashboard's content security policy: one definition, sent by `alex serve` on every page
 * of the dashboard and by the AlexWeb stack's CloudFront response-headers policy on AWS. No
 * inline script or style, no eval; the page talks only to its own origin and the API's.
 */

export interface DashboardCspOptions {
  /** Origins the page may call besides its own (the API's and the OIDC issuer's, on AWS). */
  connect?: readonly string[];
}

export function dashboardCsp(options: DashboardCspOptions = {}): string {
  const connect = ["'self'", ...(options.connect ?? [])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "manifest-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}
