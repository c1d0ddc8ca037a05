/**
 * IAM in the local cloud. Each service of the manifest signs its calls with its own access key;
 * the key names a principal whose identity policy is the one `stacks/` gives the service's role in
 * AWS (`servicePolicy` of @recops/platform builds both). Every call from such a key is authorized as IAM
 * would, and denied in the shape AWS answers. Any other key (the AWS CLI, the `recops` command,
 * tests) is unrestricted, like an administrator.
 */
import type { PolicyStatement } from '@recops/platform';
import { ACCOUNT_ID, type WireRequest, type WireResponse } from '../wire';
import { accessDeniedResponse, denialMessage, isS3Request } from './denial';
import { isAllowed, type AccessRequest } from './policy';
import { authorizedCallOf } from './requests';

export { isAllowed, type AccessRequest } from './policy';

/** A service's identity: the role its function runs as, and that role's statements. */
export interface ServicePrincipal {
  readonly service: string;
  readonly roleName: string;
  /** The access key its SDK clients sign with (locally the key is the identity; signatures are not verified). */
  readonly accessKeyId: string;
  readonly statements: readonly PolicyStatement<string>[];
}

/** One denied call, for the event log. */
export interface AccessDenial {
  readonly service: string;
  readonly operation: string;
  readonly action: string;
  readonly resource: string;
  readonly message: string;
}

/** Lambda's session for a function's role is named after the function. */
export function principalArn(principal: ServicePrincipal): string {
  return `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${principal.roleName}/${principal.roleName}`;
}

export class LocalIam {
  private readonly principals = new Map<string, ServicePrincipal>();

  constructor(private readonly onDenied: (denial: AccessDenial) => void = () => undefined) {}

  /** Adds (or replaces) a role's principal; each stage's services have roles of their own. */
  register(principal: ServicePrincipal): void {
    for (const [key, existing] of this.principals) {
      if (existing.roleName === principal.roleName) this.principals.delete(key);
    }
    this.principals.set(principal.accessKeyId, principal);
  }

  principalFor(accessKeyId: string | undefined): ServicePrincipal | undefined {
    return accessKeyId === undefined ? undefined : this.principals.get(accessKeyId);
  }

  /**
   * Authorizes `request` before `forward` hands it to its service. S3 additionally turns a missing
   * key into 403 when the caller may not list the bucket (it would otherwise learn the key is absent).
   */
  async authorize(request: WireRequest, forward: () => Promise<WireResponse>): Promise<WireResponse> {
    const principal = this.principalFor(request.accessKeyId);
    if (principal === undefined) return forward();
    const call = authorizedCallOf(request);
    if (call === undefined) return forward();
    for (const access of call.requests) {
      if (!isAllowed(principal.statements, access)) return this.deny(request, principal, call.operation, access);
    }
    const response = await forward();
    if (response.status === 404 && (call.operation === 'GetObject' || call.operation === 'HeadObject')) {
      const objectArn = call.requests[0]?.resource ?? '';
      const listBucket: AccessRequest = { action: 's3:ListBucket', resource: objectArn.slice(0, objectArn.indexOf('/')) };
      if (!isAllowed(principal.statements, listBucket)) return this.deny(request, principal, call.operation, listBucket);
    }
    return response;
  }

  private deny(request: WireRequest, principal: ServicePrincipal, operation: string, access: AccessRequest): WireResponse {
    const message = denialMessage(principalArn(principal), access, isS3Request(request));
    this.onDenied({ service: principal.service, operation, action: access.action, resource: access.resource, message });
    return accessDeniedResponse(request, message);
  }
}
