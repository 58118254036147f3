/**
 * Renders a synthesized CloudFormation value as CloudFormation would at deploy time, for the
 * intrinsics the stacks use in strings (Ref, Fn::Join, Fn::Sub without a variable map, Fn::GetAtt):
 * each Ref or GetAtt is looked up in `values` (a parameter's or resource's sample value, keyed by
 * logical id or `Id.Attribute`), and an unknown one fails, so a test never checks a half-rendered string.
 */
export type CfnValues = Record<string, string>;

export function renderCfn(value: unknown, values: CfnValues): unknown {
  if (Array.isArray(value)) return value.map((v) => renderCfn(v, values));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0]!;
    if (key === 'Ref') return lookup(String(arg), values);
    if (key === 'Fn::GetAtt') return lookup((arg as string[]).join('.'), values);
    if (key === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((p) => String(renderCfn(p, values))).join(separator);
    }
    if (key === 'Fn::Sub' && typeof arg === 'string')
      return arg.replace(/\$\{([^}!]+)\}/g, (_, name: string) => lookup(name, values));
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, renderCfn(v, values)]));
}

function lookup(name: string, values: CfnValues): string {
  const value = values[name];
  if (value === undefined) throw new Error(`renderCfn: no sample value for ${name}`);
  return value;
}

/**
 * The logical id of each SSM-backed template parameter (`valueForStringParameter`), by the
 * parameter name it reads, so a test can give `/alex/api/url` a sample value.
 */
export function ssmParameterIds(template: { Parameters?: Record<string, { Type: string; Default?: string }> }) {
  const ids: Record<string, string> = {};
  for (const [id, p] of Object.entries(template.Parameters ?? {}))
    if (p.Type.startsWith('AWS::SSM::Parameter::Value') && p.Default) ids[p.Default] = id;
  return ids;
}
