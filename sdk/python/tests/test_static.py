"""The package promises the standard library only and Python 3.9: checked on its source."""
import ast
import pathlib
import unittest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "writecarenotes"
STDLIB_USED = {
    "base64", "binascii", "datetime", "email", "hashlib", "hmac", "json", "os", "random", "re",
    "socket", "sys", "threading", "time", "typing", "urllib",
}


class StaticTest(unittest.TestCase):
    def sources(self):
        files = sorted(PACKAGE.rglob("*.py"))
        self.assertTrue(files)
        return [(path, path.read_text(encoding="utf-8")) for path in files]

    def test_parses_with_python_3_9_grammar(self) -> None:
        for path, text in self.sources():
            ast.parse(text, filename=str(path), feature_version=(3, 9))

    def test_imports_only_the_standard_library(self) -> None:
        for path, text in self.sources():
            for node in ast.walk(ast.parse(text)):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module or ""]
                for name in names:
                    self.assertIn(name.split(".")[0], STDLIB_USED, "%s imports %s" % (path.name, name))

    def test_no_pattern_matching_or_runtime_union_types(self) -> None:
        for path, text in self.sources():
            for node in ast.walk(ast.parse(text)):
                # `X | None` evaluated at run time needs 3.10 (annotations here are typing.Optional)
                if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
                    self.fail("%s:%d uses `|` (a 3.10 union?)" % (path.name, node.lineno))


if __name__ == "__main__":
    unittest.main()
