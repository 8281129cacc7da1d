"""Handlers for the Identities document."""

from __future__ import annotations

from starlette.responses import Response

from viya_mock.core.api import render
from viya_mock.core.api.render import JSON, head_of, json_response, negotiate
from viya_mock.core.api.requests import accept
from viya_mock.identities.api.representation import GROUP, IDENTITY, USERS, group_body, user_body
from viya_mock.identities.services.identities import IdentityService


class IdentityHandlers:
    def __init__(self, identities: IdentityService) -> None:
        self.identities = identities

    async def getUser(self, user_id: str) -> Response:
        body = user_body(self.identities.user(user_id))
        return json_response(body, negotiate(accept(), (f"{IDENTITY}+json", JSON)))

    async def headUser(self, user_id: str) -> Response:
        return head_of(await self.getUser(user_id))

    async def getUserMemberships(self, user_id: str, start: int, limit: int) -> Response:
        user, page = self.identities.memberships(user_id, start, limit)
        uri = f"{USERS}/{user.id}/memberships"
        make = render.get_link(render.COLLECTION, GROUP)
        links = [make("collection", uri), *render.paging_links(page, uri, make, sort_by=None, filter_text=None)]
        body = render.collection_body("groups", GROUP, page, (group_body(group) for group in page.items), links)
        return render.collection_response(body, accept())
