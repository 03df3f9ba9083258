"""Analytic conv and matmul FLOP count of a traced tf.function, to express step time as achieved GFLOP/s.

Why count from the traced graph: it sees every conv a train step really runs -- forward convs
of each network call and the gradient convs the tapes add -- without a hand-kept list of which
network is called how often in which step. The rule, per op, with F = 2 * MACs:

* ``Conv2D`` (a forward conv, or the input-gradient of a transposed conv):
  F = 2 * |output| * kh * kw * c_in.
* ``Conv2DBackpropInput`` (a conv's input-gradient, or a transposed conv's forward):
  F = 2 * |out_backprop| * kh * kw * c_in.
* ``Conv2DBackpropFilter`` (a conv's weight-gradient): same as its forward conv.
* ``MatMul`` (a wide conv on a small map run as im2col @ kernel, see tf_i2i.layers.conv2d, its
  two gradients, and dense layers): F = 2 * M * K * N.

Here |t| is the element count of the conv's "output-side" tensor (c_out channels) and the filter
is [kh, kw, c_in, c_out], so all three ops of one conv cost the same. A conv of a network that
the step updates therefore costs 3x its forward (forward, input- and weight-gradient), one that
only passes gradients through (a frozen discriminator under the generator loss) 2x, and the
first conv of a network fed by data skips its input-gradient. Gradient ops whose result nothing
uses are built by ``tape.gradient`` but pruned by the function runtime before execution, so
only ops that the function's outputs or its stateful ops (variable updates) depend on count.
Everything else (normalisation, padding, activations, the optimizer) is left out: the count is
the convolution (and dense) work only, which is what a peak-GFLOP/s comparison is about.
"""

from __future__ import annotations

import math

import tensorflow as tf

CONV_OPS = ("Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "MatMul")


def conv_op_flops(op: tf.Operation) -> int:
    """2 * MACs of one op of CONV_OPS from its static shapes (see the module docstring)."""
    if op.type == "MatMul":
        a, b = op.inputs[0].shape, op.inputs[1].shape
        if not (a.is_fully_defined() and b.is_fully_defined()):
            raise ValueError(f"{op.name} (MatMul) has unknown shapes {a} / {b}: trace with fully defined input shapes")
        m, k = reversed(a.as_list()) if op.get_attr("transpose_a") else a.as_list()
        n = b.as_list()[0] if op.get_attr("transpose_b") else b.as_list()[1]
        return 2 * m * k * n
    if op.type == "Conv2D":
        out_side, kernel = op.outputs[0].shape, op.inputs[1].shape
    elif op.type == "Conv2DBackpropInput":
        out_side, kernel = op.inputs[2].shape, op.inputs[1].shape
    elif op.type == "Conv2DBackpropFilter":
        out_side, kernel = op.inputs[2].shape, op.outputs[0].shape
    else:
        raise ValueError(f"not a conv op: {op.type}")
    if not (out_side.is_fully_defined() and kernel.is_fully_defined()):
        raise ValueError(f"{op.name} ({op.type}) has unknown shapes {out_side} / {kernel}: "
                         "trace with fully defined input shapes")
    kh, kw, c_in, _ = kernel.as_list()
    return 2 * math.prod(out_side.as_list()) * kh * kw * c_in


def _live_ops(graph: tf.Graph) -> list[tf.Operation]:
    """Ops the function runtime keeps: ancestors of the outputs and of stateful ops."""
    roots = [t.op for t in graph.outputs] + [op for op in graph.get_operations() if op._is_stateful]  # noqa: SLF001
    roots += list(getattr(graph, "control_outputs", []))
    seen: set[str] = set()
    live = []
    stack = list(roots)
    while stack:
        op = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        live.append(op)
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return live


def live_conv_ops(graph: tf.Graph) -> list[tf.Operation]:
    """The conv ops of CONV_OPS a FuncGraph really executes (see the module docstring)."""
    convs = []
    for op in _live_ops(graph):
        if op.type in CONV_OPS:
            convs.append(op)
        elif op.type in ("PartitionedCall", "StatefulPartitionedCall", "If", "StatelessIf",
                         "While", "StatelessWhile", "Case"):
            _check_no_nested_convs(graph, op)
    return convs


def graph_conv_flops(graph: tf.Graph) -> dict[str, int]:
    """Conv FLOPs of the live ops of a FuncGraph, per op type (keys of CONV_OPS, all present)."""
    totals = dict.fromkeys(CONV_OPS, 0)
    for op in live_conv_ops(graph):
        totals[op.type] += conv_op_flops(op)
    return totals


def _check_no_nested_convs(graph: tf.Graph, op: tf.Operation) -> None:
    """Convs inside function-call or control-flow bodies would be missed: refuse rather than undercount."""
    names = []
    for attr in ("f", "then_branch", "else_branch", "body", "cond", "branches"):
        try:
            value = op.get_attr(attr)
        except ValueError:
            continue
        names += [value.name] if hasattr(value, "name") else [v.name for v in value]
    for name in names:
        fdef = graph._get_function(name)  # noqa: SLF001
        body = fdef.definition.node_def if fdef is not None else []
        if any(node.op in CONV_OPS for node in body):
            raise NotImplementedError(f"{op.name} calls {name}, which contains convs: not counted")


def function_conv_flops(fn: tf.types.experimental.PolymorphicFunction, *args) -> dict[str, int]:
    """Traces ``fn(*args)`` (a tf.function) and counts the conv FLOPs of one call."""
    return graph_conv_flops(fn.get_concrete_function(*args).graph)
