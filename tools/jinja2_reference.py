#!/usr/bin/env python3
"""The reference for braid's chat templates: Jinja2 configured as transformers configures it.

Development tool only (needs Python 3 with jinja2; braid's build and tests never run it). It is how the
expectations of tests/unit/chat_template/*.test.cpp were obtained and how the speed comparison of
docs/guides/chat_templates.md was measured.

  tools/jinja2_reference.py render TEMPLATE.jinja [CONTEXT.json]   # prints the rendering, or the error
  tools/jinja2_reference.py bench                                  # parse/render times of real templates
"""
import datetime
import json
import os
import sys
import time

import jinja2
import jinja2.ext
import jinja2.sandbox
from jinja2 import nodes

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = os.path.join(HERE, "..", "tests", "data", "templates")


class GenerationBlock(jinja2.ext.Extension):
    """transformers' {% generation %}: without an assistant-mask request it renders its body."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def make_environment(now=datetime.datetime(2026, 1, 15, 9, 30, 0)):
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[GenerationBlock, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: now.strftime(fmt)
    return env


def render(source, context):
    try:
        return make_environment().from_string(source).render(**context), None
    except Exception as e:  # the class name is what braid's ChatTemplateError::python_type() reports
        return None, "%s: %s" % (type(e).__name__, e)


def median_us(fn, ops, runs=15):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(ops):
            fn()
        samples.append((time.perf_counter() - start) / ops * 1e6)
    samples.sort()
    return samples[len(samples) // 2]


def bench():
    env = make_environment()
    conversations = json.load(open(os.path.join(TEMPLATES, "conversations.json"), encoding="utf-8"))
    cases = {}
    for line in open(os.path.join(TEMPLATES, "cases.jsonl"), encoding="utf-8"):
        c = json.loads(line)
        cases[(c["template"], c["conversation"])] = c
    names = ["teknium-OpenHermes-2.5-Mistral-7B-chatml", "meta-llama-Meta-Llama-3-8B-Instruct",
             "google-gemma-3-270m-it", "Qwen-Qwen2.5-7B-Instruct", "Qwen-Qwen3-0.6B",
             "meta-llama-Llama-3.2-3B-Instruct", "mistralai-Mistral-Nemo-Instruct-2407", "HuggingFaceTB-SmolLM3-3B",
             "Qwen3.5-4B", "google-gemma-4-31B-it", "Apertus-8B-Instruct", "meetkai-functionary-medium-v3.2"]
    print("%-44s %10s %10s %10s" % ("template", "compile us", "render c", "render e"))
    for name in names:
        source = open(os.path.join(TEMPLATES, name + ".jinja"), encoding="utf-8").read()
        compile_us = median_us(lambda: env.from_string(source), 3, 5)
        template = env.from_string(source)
        times = []
        for conv in "ce":
            c = cases[(name, conv)]
            if "expected_error" in c:
                times.append(-1)
                continue
            context = dict(messages=conversations[conv]["messages"], tools=conversations[conv]["tools"],
                           documents=None, add_generation_prompt=c["add_generation_prompt"],
                           bos_token=c["bos_token"], eos_token=c["eos_token"], **c["extra_context"])
            times.append(median_us(lambda: template.render(**context), 100))
        print("%-44s %10.1f %10.1f %10.1f" % (name, compile_us, times[0], times[1]))


def main(argv):
    if len(argv) >= 2 and argv[1] == "bench":
        bench()
        return 0
    if len(argv) in (3, 4) and argv[1] == "render":
        source = open(argv[2], encoding="utf-8", newline="").read()
        context = json.load(open(argv[3], encoding="utf-8")) if len(argv) == 4 else {}
        out, error = render(source, context)
        if error:
            print(error, file=sys.stderr)
            return 1
        sys.stdout.write(out)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
