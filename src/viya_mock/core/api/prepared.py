"""Connexion with its per-operation work done once per operation instead of once per request.

Connexion 3.3 builds, for every request, a URI parser, a parameter validator, a media-type table, a body
validator with a new jsonschema validator inside, and the whole decorator chain of the handler (with
`inspect.signature`); then the parameter decorator reaches the operation through a context-variable proxy
about twenty times. None of that depends on the request. These subclasses build each piece once, when the
API is added, and keep Connexion's own checks, messages and argument mapping: the same classes do the
work, only their construction moves to start-up.

They reach into Connexion's internals (`RequestValidationOperation`, `AsyncASGIApp`, the decorators), so
the Connexion minor version is pinned in pyproject.toml and tests/api/test_prepared.py checks the parts
they rely on, so that an upgrade fails loudly instead of silently validating less.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from connexion.apps.abstract import AbstractApp
from connexion.apps.asynchronous import AsyncApi, AsyncApp, AsyncASGIApp
from connexion.datastructures import MediaTypeDict
from connexion.decorators.main import StarletteDecorator
from connexion.decorators.parameter import (
    CONTEXT_NAME,
    AsyncParameterDecorator,
    get_arguments,
    pythonic,
    sanitized,
    unwrap_decorators,
)
from connexion.exceptions import UnsupportedMediaTypeProblem
from connexion.frameworks.starlette import Starlette as StarletteFramework
from connexion.lifecycle import ConnexionRequest
from connexion.middleware.request_validation import (
    RequestValidationAPI,
    RequestValidationMiddleware,
    RequestValidationOperation,
)
from connexion.operations import AbstractOperation
from connexion.utils import inspect_function_arguments, is_nullable
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

# Body validators are kept per media type and charset a client sent; clients repeat a handful of them, and
# the table stays bounded whatever a client makes up (a type not kept is still validated, just built anew).
MAX_BODY_VALIDATORS = 32
_NO_SCHEMA = object()


class PreparedValidationOperation(RequestValidationOperation):  # type: ignore[misc]
    """Connexion's request validation for one operation, with its validators built once."""

    def __init__(self, next_app: ASGIApp, *, raw: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(next_app, **kwargs)
        # The document as written (its $refs not inlined), for validators that resolve references themselves.
        self._raw = raw or {}
        operation = self._operation
        self._parameters = self._validator_map["parameter"](
            operation.parameters,
            uri_parser=operation.uri_parser_class(operation.parameters, operation.body_definition()),
            strict_validation=self.strict_validation,
            security_query_params=self.security_query_params,
        )
        consumes = operation.consumes
        self._consumes = MediaTypeDict([(c.lower(), None) for c in consumes]) if consumes else None
        self._bodies: dict[tuple[str, str], Any] = {}

    def validate_mime_type(self, mime_type: str) -> None:
        if self._consumes is not None and mime_type.lower() not in self._consumes:
            raise UnsupportedMediaTypeProblem(
                detail=f"Invalid Content-type ({mime_type}), expected {self._operation.consumes}"
            )

    def _body_validator(self, mime_type: str, encoding: str) -> Any:
        """Connexion's body validator for this media type and charset, or _NO_SCHEMA; kept once built."""
        key = (mime_type, encoding)
        validator = self._bodies.get(key)
        if validator is not None:
            return validator
        validator = _NO_SCHEMA
        operation = self._operation
        schema = operation.body_schema(mime_type)
        if schema:
            try:
                body_validator = self._validator_map["body"][mime_type]
            except KeyError:
                pass  # Connexion skips validation of a type it has no validator for
            else:
                # Validators that compile the document's own form of the schema say so (core/api/validation.py).
                extra = {}
                if getattr(body_validator, "takes_document_schema", False):
                    extra["document_schema"] = self._document_schema(mime_type)
                validator = body_validator(
                    **extra,
                    schema=schema,
                    required=operation.request_body.get("required", False),
                    nullable=is_nullable(operation.body_definition(mime_type)),
                    encoding=encoding,
                    strict_validation=self.strict_validation,
                    uri_parser=operation.uri_parser_class(operation.parameters, operation.body_definition()),
                )
        if len(self._bodies) < MAX_BODY_VALIDATORS:
            self._bodies[key] = validator
        return validator

    def _document_schema(self, mime_type: str) -> dict[str, Any] | None:
        """The body's schema as the document writes it, with the document's components beside it; None if the
        document does not say (a validator then has only Connexion's inlined schema)."""
        components = self._raw.get("components", {})
        try:
            body = self._raw["paths"][self._operation.path][self._operation.method]["requestBody"]
            reference = body.get("$ref", "")
            if reference.startswith("#/components/requestBodies/"):
                body = components["requestBodies"][reference.rsplit("/", 1)[1]]
            schema = MediaTypeDict(body["content"]).get(mime_type, {})["schema"]
        except (KeyError, TypeError, AttributeError):
            return None
        return {**schema, "components": components}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._parameters.validate(scope)
        mime_type, encoding = self.extract_content_type(scope["headers"])
        self.validate_mime_type(mime_type)
        validator = self._body_validator(mime_type, encoding)
        if validator is not _NO_SCHEMA:
            receive, scope = await validator.wrap_receive(receive, scope=scope)
        await self.next_app(scope, receive, send)


class _PreparedValidationAPI(RequestValidationAPI):  # type: ignore[misc]
    def make_operation(self, operation: AbstractOperation) -> PreparedValidationOperation:
        return PreparedValidationOperation(
            self.next_app,
            operation=operation,
            strict_validation=self.strict_validation,
            validator_map=self.validator_map,
            raw=self.specification.raw,
        )


class PreparedRequestValidation(RequestValidationMiddleware):  # type: ignore[misc]
    """Connexion's RequestValidationMiddleware, each operation's validators built when its API is added."""

    api_cls = _PreparedValidationAPI


class _PreparedParameters(AsyncParameterDecorator):  # type: ignore[misc]
    """Connexion's mapping of a request to handler arguments, for an operation known in advance.

    Connexion's own decorator reads the operation through a context-variable proxy on every use and turns
    each parameter name into its Python name anew; this one holds the operation and remembers the names.
    """

    def __init__(self, operation: AbstractOperation, *, pythonic_params: bool) -> None:
        super().__init__(framework=StarletteFramework, pythonic_params=pythonic_params)
        self.sanitize_fn: Callable[[str], str] = functools.lru_cache(maxsize=512)(
            pythonic if pythonic_params else sanitized
        )
        self._operation = operation

    def __call__(self, function: Callable[..., Awaitable[Any]]) -> Callable[[ConnexionRequest], Awaitable[Any]]:
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))
        operation, sanitize = self._operation, self.sanitize_fn

        @functools.wraps(function)
        async def wrapper(request: ConnexionRequest) -> Any:
            body = None
            if has_kwargs or sanitize(operation.body_name(request.content_type)) in arguments:
                body = request.get_body()
                while asyncio.iscoroutine(body):
                    body = await body
            found = get_arguments(
                operation,
                path_params=request.path_params,
                query_params=request.query_params,
                body=body,
                files=await request.files(),
                arguments=arguments,
                has_kwargs=has_kwargs,
                sanitize=sanitize,
                content_type=request.mimetype,
            )
            kwargs = {sanitize(name): value for name, value in found.items()}
            context = request.context
            for key, value in context.items():
                if has_kwargs or key in arguments:
                    kwargs[key] = value
            if CONTEXT_NAME in arguments:
                kwargs[CONTEXT_NAME] = context
            return await function(**kwargs)

        return wrapper


class _PreparedDecorator(StarletteDecorator):  # type: ignore[misc]
    """Connexion's Starlette decorator chain, built once for one operation."""

    def __init__(self, operation: AbstractOperation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._operation = operation

    def decorate(self, function: Callable[..., Any]) -> Callable[..., Any]:
        function = self._sync_async_decorator(function)
        function = _PreparedParameters(self._operation, pythonic_params=self.pythonic_params)(function)
        responses = self._response_decorator_cls(framework=self.framework, jsonifier=self.jsonifier)
        decorated: Callable[..., Any] = responses(function)
        return decorated

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Awaitable[Response]]:
        operation = self._operation
        uri_parser = operation.uri_parser_class(operation.parameters, operation.body_definition())
        decorated = self.decorate(function)

        async def handle(scope: Scope, receive: Receive) -> Response:
            request = self.framework.get_request(uri_parser=uri_parser, scope=scope, receive=receive)
            response: Response = await decorated(request)
            return response

        return handle


class PreparedOperation:
    """What Connexion's AsyncOperation does, with the decorated handler built once instead of per request."""

    def __init__(self, operation: AbstractOperation, *, pythonic_params: bool, jsonifier: Any) -> None:
        self.operation_id = operation.operation_id
        self._handle = _PreparedDecorator(operation, pythonic_params=pythonic_params, jsonifier=jsonifier)(
            operation.function
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self._handle(scope, receive)
        await response(scope, receive, send)


class _PreparedApi(AsyncApi):  # type: ignore[misc]
    def make_operation(self, operation: AbstractOperation) -> PreparedOperation:
        return PreparedOperation(operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)


class _PreparedASGIApp(AsyncASGIApp):  # type: ignore[misc]
    api_cls = _PreparedApi


class PreparedApp(AsyncApp):  # type: ignore[misc]
    """Connexion's AsyncApp whose operations call handlers decorated once, at start-up."""

    def __init__(self, import_name: str, **kwargs: Any) -> None:
        # AsyncApp.__init__ only makes its AsyncASGIApp and hands it to AbstractApp; this makes ours instead.
        self._middleware_app = _PreparedASGIApp()
        AbstractApp.__init__(self, import_name, **kwargs)
