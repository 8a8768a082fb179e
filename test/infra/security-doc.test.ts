/**
 * docs/security.md says what the template does: its table of every function's DynamoDB statements and its
 * list of who may delete are read from the page and compared with the synthesized stack's IAM policies, so
 * widening a grant without saying so (or a page that promises more than the template keeps) fails here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { NpsStack } from '../../infra/stack.ts';
import { FUNCTIONS, type FunctionName } from '../../infra/system.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON
type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };
/** One grant as the page writes it: function, actions, and what they are on (sorted, for comparing). */
type Grant = { fn: string; actions: string[]; on: string[] };

const root = path.resolve(import.meta.dirname, '../..');
const page = readFileSync(path.join(root, 'docs/security.md'), 'utf8');
const context = JSON.parse(readFileSync(path.join(root, 'cdk.json'), 'utf8')).context as Record<
  string,
  string
>;

let resources: Resource[];
beforeAll(() => {
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  resources = Object.values(
    Template.fromStack(new NpsStack(app, 'NpsSecurityDocTest')).toJSON().Resources as Record<
      string,
      Resource
    >,
  );
});

/** The rows of the Markdown table between `<!-- name:begin -->` and `<!-- name:end -->`, header dropped. */
const rowsOf = (name: string): string[][] => {
  const block = new RegExp(`<!-- ${name}:begin -->\\n([\\s\\S]*?)<!-- ${name}:end -->`).exec(page)?.[1];
  if (!block) throw new Error(`docs/security.md has no ${name} table`);
  return block
    .trim()
    .split('\n')
    .slice(2)
    .map((line) =>
      line
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((cell) => cell.trim()),
    );
};

const list = (cell: string): string[] =>
  cell
    .split(',')
    .map((part) => part.trim().replace(/^`|`$/g, ''))
    .filter(Boolean)
    .sort();

const sorted = (grants: Grant[]): Grant[] =>
  [...grants].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** The DynamoDB statements of a function's role in the template, as the page writes them. */
const templateGrants = (name: FunctionName): Grant[] => {
  const fn = resources.find(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === FUNCTIONS[name].description,
  );
  const roleId = fn?.Properties.Role['Fn::GetAtt'][0] as string;
  return resources
    .filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`),
    )
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[])
    .filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')))
    .filter((s) => !JSON.stringify(s.Resource).includes('StreamArn') && s.Resource !== '*')
    .flatMap((s) => {
      const actions = [s.Action]
        .flat()
        .map((a) => a.replace(/^dynamodb:/, ''))
        .sort();
      const keys = (s.Condition?.['ForAllValues:StringLike'] as Record<string, string[]> | undefined)?.[
        'dynamodb:LeadingKeys'
      ];
      if (keys) return [{ fn: name, actions, on: [...keys].sort() }];
      const indexes = [...JSON.stringify(s.Resource).matchAll(/\/index\/([A-Za-z0-9_-]+)/g)].map((m) => m[1]);
      if (indexes.length > 0) return indexes.map((index) => ({ fn: name, actions, on: [`index ${index}`] }));
      return [{ fn: name, actions, on: ['the table'] }];
    });
};

const NAMES = Object.keys(FUNCTIONS) as FunctionName[];

describe('docs/security.md against the synthesized template', () => {
  it('lists exactly the DynamoDB statements every function’s role holds', () => {
    const documented = rowsOf('grants').map(([fn = '', actions = '', on = '']) => ({
      fn,
      actions: list(actions),
      on: on === 'the table' || on.startsWith('index ') ? [on] : list(on),
    }));
    expect(sorted(documented)).toEqual(sorted(NAMES.flatMap(templateGrants)));
  });

  it('names exactly the functions that may DeleteItem, and on which partitions', () => {
    const documented = rowsOf('deleters').map(([fn = '', on = '']) => ({
      fn,
      actions: ['DeleteItem'],
      on: list(on),
    }));
    const deleters = NAMES.flatMap(templateGrants)
      .filter((g) => g.actions.includes('DeleteItem'))
      .map((g) => ({ ...g, actions: ['DeleteItem'] }));
    expect(sorted(documented)).toEqual(sorted(deleters));
    expect(page).toContain(`Four functions hold \`DeleteItem\``);
    expect(documented).toHaveLength(4);
  });
});
