// `x in ()` is valid SQLite (false) but a syntax error on MySQL/MariaDB. Code guards the lists it knows may be
// empty; this plugin, installed on MySQL connections only, makes every other such query mean what SQLite means:
// `x in ()` is false and `x not in ()` is true. (SQLite needs nothing, and its hot paths skip the rewrite.)
import {
  OperationNodeTransformer, OperatorNode, RawNode, type BinaryOperationNode, type KyselyPlugin, type OperationNode,
  type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow,
} from 'kysely';

function isEmptyList(node: OperationNode): boolean {
  return (node.kind === 'PrimitiveValueListNode' || node.kind === 'ValueListNode')
    && (node as unknown as { values: readonly unknown[] }).values.length === 0;
}

class EmptyInTransformer extends OperationNodeTransformer {
  protected override transformBinaryOperation(node: BinaryOperationNode): BinaryOperationNode {
    const op = OperatorNode.is(node.operator) ? node.operator.operator : '';
    if ((op === 'in' || op === 'not in') && isEmptyList(node.rightOperand)) {
      return RawNode.createWithSql(op === 'in' ? '(1 = 0)' : '(1 = 1)') as unknown as BinaryOperationNode;
    }
    return super.transformBinaryOperation(node);
  }
}

export class EmptyInPlugin implements KyselyPlugin {
  readonly #transformer = new EmptyInTransformer();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode { return this.#transformer.transformNode(args.node); }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> { return args.result; }
}
