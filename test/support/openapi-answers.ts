/** A route of the served OpenAPI document. */
export interface DocumentedRoute {
  method: string;
  path: string;
  /** The operation object, as JSON. */
  op: any;
}

/**
 * Why an answer of `route` is not one the document lists, or undefined when it is: its status
 * must be documented for the route and, for an error, its code named among that status's examples.
 */
export function undocumentedAnswer(route: DocumentedRoute, res: { status: number; body?: any }): string | undefined {
  const documented = route.op.responses[String(res.status)];
  const answer = `${route.method.toUpperCase()} ${route.path} -> ${res.status}`;
  if (!documented) return `${answer} ${res.body?.code ?? ''}`.trim();
  const codes = Object.keys(documented.content?.['application/json']?.examples ?? {});
  if (res.status >= 400 && !codes.includes(res.body?.code))
    return `${answer} ${res.body?.code} (documented: ${codes.join(', ')})`;
  return undefined;
}
