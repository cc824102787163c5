"""Profiles: list and show them (open), load and reload served pools (API key).

    GET  /profiles                 served profiles (the first is the default) and shipped names
    GET  /profiles/{name}          a served or shipped profile, fully resolved (API key)
    POST /profiles                 {"profile": NAME}: start serving a shipped profile
    POST /profiles/{name}/reload   re-read a served profile from where it came from and
                                   swap in a fresh pool (the old one is stopped after the swap,
                                   so requests never find the profile missing)

Over HTTP only shipped profile names can be loaded, never file paths: a key holder may
start pools, not read the server's files. Control calls are serialised by a lock.

A resolved profile holds the values of its ``${VAR}`` references and the server's file
paths (sinks, ``extends``), so showing one needs the key; the summaries of
``GET /profiles`` (name, description, mode, sources) stay open.

``POST /profiles`` checks the key before it reads its body (bodies.py caps it anyway),
so a client without the key cannot make the server read or parse anything.
"""

from __future__ import annotations

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, Request

from openentropy.errors import ProfileError
from openentropy.engine.loader import load_profile, shipped_profiles
from openentropy.engine.profile import Profile

from .auth import NEEDS_KEY, check_api_key
from .bodies import read_model
from .errors import ApiError
from .feeder import READY_TIMEOUT_S, ServedPool
from .models import ControlResponse, ErrorResponse, LoadRequest, ProfileDetail, ProfilesResponse, ProfileSummary
from .state import ServerState, get_state

router = APIRouter(prefix="/profiles", tags=["profiles"])

ERRORS = {code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 409, 413)}


def summary(profile: Profile, served: bool, default: bool = False) -> ProfileSummary:
    return ProfileSummary(name=profile.name, description=profile.description, mode=profile.pool.mode,
                          sources=[s.name for s in profile.sources], served=served, default=default)


def _start(ref: str | Profile) -> ServedPool:
    profile = ref if isinstance(ref, Profile) else load_profile(ref)
    pool = ServedPool(profile, ref).start()
    pool.wait_ready(READY_TIMEOUT_S)
    return pool


@router.get("", response_model=ProfilesResponse, summary="Served and shipped profiles")
async def list_profiles(state: ServerState = Depends(get_state)) -> ProfilesResponse:
    served = [summary(p.profile, True, name == state.default) for name, p in state.pools.items()]
    return ProfilesResponse(default=state.default, served=served, shipped=list(shipped_profiles()))


@router.get("/{name}", response_model=ProfileDetail, responses=ERRORS, openapi_extra=NEEDS_KEY,
            summary="One profile, fully resolved (API key)")
async def show_profile(name: str, request: Request, state: ServerState = Depends(get_state)) -> ProfileDetail:
    check_api_key(request, state.api_key, "showing a resolved profile")
    if name in state.pools:
        return ProfileDetail(served=True, profile=state.pools[name].profile.model_dump(mode="json"))
    if name in shipped_profiles():
        profile = await anyio.to_thread.run_sync(load_profile, name, limiter=state.limiter)
        return ProfileDetail(served=False, profile=profile.model_dump(mode="json"))
    raise ApiError(404, f"no profile '{name}'; served: {', '.join(state.pools)}; shipped: "
                        f"{', '.join(shipped_profiles())}")


#: The body ``load`` reads by hand (after the key check), documented for OpenAPI.
LOAD_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": LoadRequest.model_json_schema()}}}, **NEEDS_KEY}


@router.post("", response_model=ControlResponse, status_code=201, responses=ERRORS, openapi_extra=LOAD_BODY,
             summary="Start serving a shipped profile (API key)")
async def load(request: Request, state: ServerState = Depends(get_state)) -> ControlResponse:
    check_api_key(request, state.api_key, "loading a profile")
    body = await read_model(request, LoadRequest)
    if body.profile not in shipped_profiles():
        raise ApiError(400, f"profile: '{body.profile}' is not a shipped profile (over HTTP only shipped names load; "
                            f"shipped: {', '.join(shipped_profiles())})")
    async with state.control:
        if body.profile in state.pools or body.profile in state.refs.values():
            raise ApiError(409, f"profile '{body.profile}' is already served")
        try:
            pool = await anyio.to_thread.run_sync(_start, body.profile)
        except ProfileError as error:
            raise ApiError(400, f"profile: {error}") from None
        if pool.name in state.pools:
            await anyio.to_thread.run_sync(pool.stop)
            raise ApiError(409, f"profile '{pool.name}' is already served")
        state.pools[pool.name] = pool
        state.refs[pool.name] = body.profile
    return ControlResponse(profile=pool.name, message=f"now serving '{pool.name}'")


@router.post("/{name}/reload", response_model=ControlResponse, responses=ERRORS, openapi_extra=NEEDS_KEY,
             summary="Re-read a served profile and restart its pool (API key)")
async def reload(name: str, request: Request, state: ServerState = Depends(get_state)) -> ControlResponse:
    check_api_key(request, state.api_key, "reloading a profile")
    async with state.control:
        if name not in state.pools:
            raise ApiError(404, f"profile '{name}' is not served; served: {', '.join(state.pools)}")
        old = state.pools[name]
        ref = state.refs.get(name) or old.profile
        try:
            fresh = await anyio.to_thread.run_sync(_start, ref)
        except ProfileError as error:
            raise ApiError(400, f"profile '{name}' no longer loads; still serving the old one: {error}") from None
        if fresh.name != name:
            await anyio.to_thread.run_sync(fresh.stop)
            raise ApiError(409, f"'{state.refs.get(name)}' now names profile '{fresh.name}', not '{name}'; "
                                "still serving the old one")
        state.pools[name] = fresh
        await anyio.to_thread.run_sync(old.stop)
    return ControlResponse(profile=name, message=f"reloaded '{name}'")
