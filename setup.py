"""Build of the optional C extension ``skweights._loops`` (see skweights/_fused.py).

Everything else is declared in pyproject.toml. The extension is optional: where no
C compiler is found the build goes on without it, and skweights runs the same
steps in numpy, with the same results, more slowly on small networks.
"""

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class BuildExt(build_ext):
    def build_extensions(self):
        if self.compiler.compiler_type == "msvc":
            flags = ["/O2", "/fp:precise"]
        else:
            # No fused multiply-add, no errno for sqrt (so that it vectorizes):
            # the loops must round every operation as numpy does.
            flags = ["-O3", "-ffp-contract=off", "-fno-math-errno", "-pthread"]
        for ext in self.extensions:
            ext.extra_compile_args = flags
            if self.compiler.compiler_type != "msvc":
                ext.extra_link_args = ["-pthread"]  # the thread pool (_pool.c)
        super().build_extensions()


setup(
    ext_modules=[
        Extension(
            "skweights._loops",
            ["skweights/_loops.c", "skweights/_pool.c"],
            depends=["skweights/_pool.h"],
            optional=True,
        )
    ],
    cmdclass={"build_ext": BuildExt},
)
