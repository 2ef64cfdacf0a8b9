import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorize, isGranted, principalFrom, type Principal } from '#http/auth.ts';
import { ForbiddenError, UnauthenticatedError } from '#http/errors.ts';
import { DEADLINE_ACTOR } from '#domain/decisions.ts';
import { SERVICE_SUBJECT_PREFIX } from '#model/vocabulary.ts';

const ACME_PROD = { projectSlug: 'acme', environmentSlug: 'prod' };

/** Claims as API Gateway's JWT authorizer passes them: every value a string. */
const gatewayClaims = {
  sub: 'user-7',
  scope: 'connections:read connections:write',
  projects: 'acme/prod acme/dev',
  exp: '1795784400',
  iat: '1795780800',
  iss: 'https://auth.example.com/',
  aud: 'resource-connections',
};

const principal = (scopes: string[], grants: string[]): Principal => ({
  subject: 'user-7',
  scopes: new Set(scopes),
  grants,
});

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('principalFrom', () => {
  it('reads subject, scopes and grants from string claims', () => {
    const p = principalFrom(gatewayClaims);

    expect(p.subject).toBe('user-7');
    expect([...p.scopes].sort()).toEqual(['connections:read', 'connections:write']);
    expect(p.grants).toEqual(['acme/prod', 'acme/dev']);
  });

  it('reads a list claim in the "[a b]" form API Gateway gives it', () => {
    const p = principalFrom({ ...gatewayClaims, projects: '[acme/prod beta/*]', scope: '[connections:read]' });

    expect(p.grants).toEqual(['acme/prod', 'beta/*']);
    expect([...p.scopes]).toEqual(['connections:read']);
  });

  it('reads a one-element list claim', () => {
    expect(principalFrom({ ...gatewayClaims, projects: '[*]' }).grants).toEqual(['*']);
  });

  it('reads a real list, as a local caller may pass it', () => {
    expect(principalFrom({ ...gatewayClaims, projects: ['acme/prod', 'beta/dev'] }).grants).toEqual([
      'acme/prod',
      'beta/dev',
    ]);
  });

  it('reads scopes from scp as well as scope', () => {
    const { scope: _scope, ...withoutScope } = gatewayClaims;

    const p = principalFrom({ ...withoutScope, scp: 'connections:write' });

    expect([...p.scopes]).toEqual(['connections:write']);
  });

  it('splits on runs of spaces and ignores surrounding blanks', () => {
    const p = principalFrom({
      ...gatewayClaims,
      scope: '  connections:read   connections:write ',
      projects: ' acme/prod  ',
    });

    expect([...p.scopes].sort()).toEqual(['connections:read', 'connections:write']);
    expect(p.grants).toEqual(['acme/prod']);
  });

  it('gives no scopes and no grants when the claims are absent', () => {
    const p = principalFrom({ sub: 'user-7' });

    expect(p.scopes.size).toBe(0);
    expect(p.grants).toEqual([]);
  });

  it.each([
    ['no claims at all', undefined],
    ['no sub', { scope: 'connections:read', projects: '*' }],
    ['an empty sub', { sub: '', scope: 'connections:read', projects: '*' }],
  ])('refuses %s with UnauthenticatedError', (_, claims) => {
    const error = thrown(() => principalFrom(claims));

    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect((error as UnauthenticatedError).status).toBe(401);
    expect((error as UnauthenticatedError).code).toBe('UNAUTHENTICATED');
  });

  it('does not read a scope out of another claim', () => {
    const p = principalFrom({ sub: 'user-7', projects: 'connections:write', aud: 'connections:read' });

    expect(p.scopes.size).toBe(0);
  });
});

describe('isGranted', () => {
  it.each([
    [['acme/prod'], true],
    [['acme/*'], true],
    [['*'], true],
    [['beta/prod', 'acme/prod'], true],
    [['acme/dev'], false],
    [['beta/prod'], false],
    [['beta/*'], false],
    [[], false],
    [['acme'], false],
    [['acme/'], false],
    [['acme/pro'], false],
    [['acme/prod2'], false],
    [['acme/prod/extra'], false],
    [['acm/*'], false],
    [['acme2/*'], false],
    [['*/prod'], false],
    [['ACME/PROD'], false],
    [['acme/p*'], false],
    [['**'], false],
    [['/*'], false],
  ])('%j grants acme/prod: %s', (grants, expected) => {
    expect(isGranted(grants, ACME_PROD)).toBe(expected);
  });

  it('does not let an acme grant reach acme2', () => {
    for (const grant of ['acme/*', 'acme/prod']) {
      expect(isGranted([grant], { projectSlug: 'acme2', environmentSlug: 'prod' })).toBe(false);
    }
    expect(isGranted(['acme/prod'], { projectSlug: 'acme', environmentSlug: 'prod2' })).toBe(false);
  });

  it('grants a project/environment only to its own grant, the project wildcard or the global wildcard', () => {
    const slug = fc.constantFrom('acme', 'acme2', 'acm', 'prod', 'dev', 'a-b', 'a');
    fc.assert(
      fc.property(slug, slug, slug, slug, (p, e, gp, ge) => {
        const scope = { projectSlug: p, environmentSlug: e };

        expect(isGranted([`${gp}/${ge}`], scope)).toBe(gp === p && ge === e);
        expect(isGranted([`${gp}/*`], scope)).toBe(gp === p);
        expect(isGranted(['*'], scope)).toBe(true);
      }),
    );
  });
});

describe('authorize', () => {
  it.each(['system:deadline', 'system:', 'system:anything-else'])(
    "refuses the subject %j, the service's own, whatever the token grants",
    (subject) => {
      const error = thrown(() =>
        authorize(
          { ...principal(['connections:read', 'connections:write'], ['*']), subject },
          'connections:read',
          ACME_PROD,
        ),
      );

      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as ForbiddenError).code).toBe('FORBIDDEN');
      expect((error as ForbiddenError).message).toBe('Subjects beginning with system: belong to the service itself.');
    },
  );

  it("takes subjects that only look like the service's", () => {
    for (const subject of ['System:deadline', 'systems:x', 'user:system:deadline', 'system']) {
      expect(
        thrown(() => authorize({ ...principal(['connections:read'], ['*']), subject }, 'connections:read', ACME_PROD)),
      ).toBeUndefined();
    }
  });

  it("records the sweep under a service subject, which no caller's token may carry", () => {
    expect(DEADLINE_ACTOR.startsWith(SERVICE_SUBJECT_PREFIX)).toBe(true);
  });

  it('lets a granted caller with the scope through', () => {
    expect(
      thrown(() => authorize(principal(['connections:read'], ['acme/prod']), 'connections:read', ACME_PROD)),
    ).toBeUndefined();
  });

  it('refuses a caller without the scope the route needs', () => {
    const error = thrown(() => authorize(principal(['connections:read'], ['*']), 'connections:write', ACME_PROD));

    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as ForbiddenError).status).toBe(403);
    expect((error as ForbiddenError).code).toBe('FORBIDDEN');
    expect((error as ForbiddenError).message).toContain('connections:write');
  });

  it('does not take write for read', () => {
    expect(
      thrown(() => authorize(principal(['connections:write'], ['*']), 'connections:read', ACME_PROD)),
    ).toBeInstanceOf(ForbiddenError);
  });

  it('does not take a scope that only starts like the one needed', () => {
    for (const scope of ['connections:readonly', 'connections', 'connections:*', 'CONNECTIONS:READ']) {
      expect(thrown(() => authorize(principal([scope], ['*']), 'connections:read', ACME_PROD))).toBeInstanceOf(
        ForbiddenError,
      );
    }
  });

  it.each([
    ['another project', ['beta/prod']],
    ['another environment', ['acme/dev']],
    ['a longer project name', ['acme2/*']],
    ['no grants', []],
  ])('refuses a caller granted only %s', (_, grants) => {
    const error = thrown(() => authorize(principal(['connections:read'], grants), 'connections:read', ACME_PROD));

    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as ForbiddenError).message).toContain('acme/prod');
  });

  it('works on the claims API Gateway passes, end to end', () => {
    const p = principalFrom({ ...gatewayClaims, projects: '[acme/*]', scope: 'connections:read' });

    expect(
      thrown(() => authorize(p, 'connections:read', { projectSlug: 'acme', environmentSlug: 'staging' })),
    ).toBeUndefined();
    expect(
      thrown(() => authorize(p, 'connections:read', { projectSlug: 'acme2', environmentSlug: 'staging' })),
    ).toBeInstanceOf(ForbiddenError);
    expect(
      thrown(() => authorize(p, 'connections:write', { projectSlug: 'acme', environmentSlug: 'staging' })),
    ).toBeInstanceOf(ForbiddenError);
  });
});
