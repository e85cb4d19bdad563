"""``flowc test --coverage``: which steps, verbs, branch keys and edges of the
flows the rehearsed calls ran, and which never ran."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import ir


@dataclass
class Coverage:
    steps: dict[str, bool] = field(default_factory=dict)  # flow.step -> ran
    verbs: dict[tuple[str, int], tuple[str, bool]] = field(default_factory=dict)  # (file, line) -> (verb, ran)
    keys: dict[str, bool] = field(default_factory=dict)  # 'flow.step digits "1"' -> taken
    edges: dict[tuple[str, str], bool] = field(default_factory=dict)  # (flow.step, flow.step) -> taken

    @classmethod
    def of(cls, session) -> Coverage:
        cov = cls()
        flows = session.build.flows if session.build is not None else ()
        called = {f.flow for f in session.files}
        for flow in flows:
            if flow.name not in called and not any(flow.name == s[0] for r in session.rehearsals for s in r.steps):
                continue
            for step in flow.steps:
                name = f"{flow.name}.{step.name}"
                cov.steps[name] = False
                for verb in ir.walk(step.verbs):
                    if isinstance(verb, ir.BRANCH_VERBS):
                        key = f'{name} digits "{verb.value.value}"' if isinstance(verb, ir.When) else f"{name} otherwise"
                        cov.keys[key] = False
                    else:
                        cov.verbs[(verb.span.file, verb.span.line)] = (verb.name, False)
                    for target in ir.targets(verb):
                        if isinstance(target, ir.StepTarget):
                            cov.edges[(name, f"{target.flow or flow.name}.{target.step}")] = False
        for r in session.rehearsals:
            for flow_name, step_name in r.steps:
                cov.steps[f"{flow_name}.{step_name}"] = True
            for span in r.verbs:
                at = (span.file, span.line)
                if at in cov.verbs:
                    cov.verbs[at] = (cov.verbs[at][0], True)
            for branch in r.branches:
                name = f"{branch.flow}.{branch.step}"
                cov.keys[f'{name} digits "{branch.key}"' if branch.key != "otherwise" else f"{name} otherwise"] = True
                if branch.target and "/" not in branch.target:
                    cov.edges[(name, branch.target)] = True
            for edge in r.edges:
                if edge in cov.edges:
                    cov.edges[edge] = True
        return cov

    def missed(self) -> dict[str, list[str]]:
        return {
            "steps": [s for s, ran in self.steps.items() if not ran],
            "verbs": [f"{f}:{line} {name}" for (f, line), (name, ran) in self.verbs.items() if not ran],
            "branch keys": [k for k, ran in self.keys.items() if not ran],
            "edges": [f"{a} -> {b}" for (a, b), ran in self.edges.items() if not ran],
        }

    def text(self) -> str:
        def ratio(d) -> str:
            ran = sum(1 for v in d.values() if (v[1] if isinstance(v, tuple) else v))
            total = len(d)
            pct = f" ({100 * ran // total}%)" if total else ""
            return f"{ran}/{total}{pct}"

        lines = [
            "coverage:",
            f"  steps        {ratio(self.steps)}",
            f"  verbs        {ratio(self.verbs)}",
            f"  branch keys  {ratio(self.keys)}",
            f"  edges        {ratio(self.edges)}",
        ]
        for kind, items in self.missed().items():
            if items:
                lines.append(f"  never ran ({kind}):")
                lines += [f"    {item}" for item in items]
        return "\n".join(lines)
