"""Cutting a program into statements, the way SAS's word scanner sees them.

A statement ends at a semicolon outside quotes and comments. `/* … */` comments vanish; `* … ;` and `%* … ;`
comment statements are dropped whole. Each statement keeps the numbers of the source lines it starts and ends
on, because SAS echoes source lines as it reads them and writes a step's notes after the line of its `run;`.
Nothing here raises: an unterminated quote or comment is reported in `Program.problem`, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement's text (comments removed, without its semicolon) and the 0-based lines it spans."""

    text: str
    first: int
    last: int

    @property
    def keyword(self) -> str:
        """The first word, upper-cased (`%PUT`, `DATA`, `PROC`…)."""
        word = self.text.strip().split(None, 1)
        if not word:
            return ""
        head = word[0]
        for index, char in enumerate(head):
            if index and not (char.isalnum() or char == "_"):
                return head[:index].upper()
        return head.upper()

    @property
    def rest(self) -> str:
        """The text after the keyword."""
        stripped = self.text.strip()
        return stripped[len(self.keyword) :].strip()


@dataclass(frozen=True, slots=True)
class Program:
    statements: list[Statement]
    # "quote" or "comment" when the program ends inside one; the text from there on is not a statement.
    problem: str | None = None
    problem_line: int = 0
    # Text after the last semicolon (SAS would wait for more input); it is echoed and not run.
    trailing: str = ""


def split(lines: list[str]) -> Program:
    """The statements of the program whose source lines are `lines`."""
    text = "\n".join(lines)
    statements: list[Statement] = []
    buffer: list[str] = []
    line = 0
    first: int | None = None
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "/" and text.startswith("/*", index):
            end = text.find("*/", index + 2)
            if end < 0:
                return Program(statements, "comment", line, "".join(buffer))
            line += text.count("\n", index, end)
            buffer.append(" ")
            index = end + 2
            continue
        fresh = first is None
        if fresh and not char.isspace():
            first = line
        if char == "\n":
            line += 1
            buffer.append(char)
            index += 1
        elif char == "%" and fresh and (call := _macro_call(text, index)) > 0:
            # A macro call needs no semicolon: `%webout(OPEN)` ends at its closing parenthesis.
            body = text[index:call]
            last = line + body.count("\n")
            statements.append(Statement(body.strip(), first if first is not None else line, last))
            line = last
            index = call
            rest = index
            while rest < length and text[rest] in " \t":
                rest += 1
            if rest < length and text[rest] == ";":
                index = rest + 1
            buffer = []
            first = None
        elif char in "'\"":
            end = _close_quote(text, index)
            if end < 0:
                return Program(statements, "quote", line, "".join(buffer) + text[index:])
            line += text.count("\n", index, end)
            buffer.append(text[index : end + 1])
            index = end + 1
        elif char == ";":
            body = "".join(buffer)
            stripped = body.strip()
            if stripped and not stripped.startswith("*") and not stripped.startswith("%*"):
                statements.append(Statement(stripped, first if first is not None else line, line))
            elif not stripped:
                statements.append(Statement("", first if first is not None else line, line))
            buffer = []
            first = None
            index += 1
        else:
            buffer.append(char)
            index += 1
    return Program(statements, None, 0, "".join(buffer).strip())


# Macro statements, which end at their semicolon like any statement (every other `%name` is a macro call).
MACRO_STATEMENTS = {
    "LET",
    "PUT",
    "ABORT",
    "GLOBAL",
    "LOCAL",
    "SYMDEL",
    "MACRO",
    "MEND",
    "RETURN",
    "IF",
    "THEN",
    "ELSE",
    "DO",
    "END",
    "TO",
    "BY",
    "WHILE",
    "UNTIL",
    "INCLUDE",
    "INC",
    "SYSEXEC",
    "GOTO",
    "LABEL",
    "WINDOW",
    "DISPLAY",
    "INPUT",
    "SYSCALL",
    "SYSLPUT",
    "SYSRPUT",
    "COPY",
}


def _macro_call(text: str, start: int) -> int:
    """Where the macro call at `start` ends (after its parenthesised arguments), or -1 if it is not one."""
    end = start + 1
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    name = text[start + 1 : end].upper()
    if not name or name[0].isdigit() or name in MACRO_STATEMENTS or text.startswith("*", start + 1):
        return -1
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    if after < len(text) and text[after] == "(":
        level = 0
        index = after
        while index < len(text):
            char = text[index]
            if char in "'\"":
                close = _close_quote(text, index)
                if close < 0:
                    return -1
                index = close
            elif char == "(":
                level += 1
            elif char == ")":
                level -= 1
                if level == 0:
                    return index + 1
            index += 1
        return -1
    return end


def _close_quote(text: str, start: int) -> int:
    """The index of the quote that closes the one at `start` (a doubled quote is an escaped one), or -1."""
    quote = text[start]
    index = start + 1
    while True:
        end = text.find(quote, index)
        if end < 0:
            return -1
        if text.startswith(quote * 2, end):
            index = end + 2
            continue
        return end


def unquote(token: str) -> str:
    """The value of a quoted SAS literal (`'it''s'` → `it's`); anything else unchanged."""
    if len(token) >= 2 and token[0] in "'\"" and token[-1] == token[0]:
        return token[1:-1].replace(token[0] * 2, token[0])
    return token


def words(text: str) -> list[str]:
    """Tokens of a statement: quoted literals whole, `name=value` pairs split at `=`, parentheses apart."""
    tokens: list[str] = []
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char.isspace():
            index += 1
        elif char in "'\"":
            end = _close_quote(text, index)
            end = length - 1 if end < 0 else end
            tokens.append(text[index : end + 1])
            index = end + 1
        elif char in "()=,/@":
            tokens.append(char)
            index += 1
        else:
            start = index
            while index < length and not text[index].isspace() and text[index] not in "()=,'\"/@":
                index += 1
            tokens.append(text[start:index])
    return tokens
