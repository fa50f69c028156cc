"""Building the documents, downloading them (each file, or all in a .zip), their lint
results, and page images for a preview."""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ...documents import preview
from ...errors import ToolMissing
from ...workspace import actions
from ..pages import page
from ..security import read_form
from .plans import go


async def outputs_page(request: Request):
    ws = request.app.state.ws
    name = request.path_params["name"]
    ws.plan_path(name)
    files = actions.outputs(ws, name)
    lint = await run_in_threadpool(actions.lint_outputs, ws, name) if files else {}
    return page(request, "outputs.html", name=name, files=files, lint=lint,
                last=ws.last_build(name), can_preview=preview.available(), tab="outputs")


async def run_build(request: Request):
    ws = request.app.state.ws
    name = request.path_params["name"]
    form = await read_form(request)
    pdf = form.get("pdf") == "1"
    try:
        res = await run_in_threadpool(actions.build_plan, ws, name, pdf=pdf,
                                     followup=request.app.state.followup)
    except ToolMissing as e:
        return go(f"/ke-hoach/{name}/van-ban", "Chưa dựng được PDF: " + e.problems[0].message)
    msg = f"Đã dựng {len(res.outputs)} tệp."
    if res.notes:
        msg += " " + " ".join(res.notes)
    return go(f"/ke-hoach/{name}/van-ban", msg)


async def download(request: Request):
    ws = request.app.state.ws
    p = actions.download_path(ws, request.path_params["path"])
    return FileResponse(p, filename=p.name, content_disposition_type="attachment")


async def download_zip(request: Request):
    ws = request.app.state.ws
    name = request.path_params["name"]
    ws.plan_path(name)
    data = actions.zip_outputs(ws, name)
    return Response(data, media_type="application/zip", headers={
        "content-disposition": f'attachment; filename="{name}-van-ban.zip"'})


async def preview_page(request: Request):
    ws = request.app.state.ws
    name = request.path_params["name"]
    ws.plan_path(name)
    files = [o for o in actions.outputs(ws, name) if o.rel.endswith(".docx")]
    asked = request.query_params.get("tep")
    chosen = asked or (files[0].rel if files else "")
    doc = next((o for o in files if o.rel == chosen), None)
    if asked and doc is None:
        raise HTTPException(404, "Không có văn bản này trong kết quả dựng.")
    images, note = [], ""
    if doc is not None:
        try:
            sha = preview.docx_sha(ws.path(doc.rel))
            made = await run_in_threadpool(preview.page_images, ws.path(doc.rel), ws.state / "preview")
            images = [f"/anh/{sha}/{p.name}" for p in made]
        except ToolMissing as e:
            note = e.problems[0].message
    return page(request, "preview.html", name=name, files=files, doc=doc, images=images, note=note,
                tab="outputs")


_SHA = re.compile(r"[0-9a-f]{64}")
_PAGE = re.compile(r"page-\d{3}\.png")


async def preview_image(request: Request):
    ws = request.app.state.ws
    sha, page_name = request.path_params["sha"], request.path_params["page"]
    if not _SHA.fullmatch(sha) or not _PAGE.fullmatch(page_name):
        raise HTTPException(404, "Không có ảnh này.")
    p = ws.path(".kehoach", "preview", sha, page_name)
    if not p.is_file():
        raise HTTPException(404, "Không có ảnh này.")
    return FileResponse(p, media_type="image/png")


routes = [
    Route("/ke-hoach/{name}/van-ban", outputs_page, methods=["GET"]),
    Route("/ke-hoach/{name}/van-ban", run_build, methods=["POST"]),
    Route("/ke-hoach/{name}/tai-zip", download_zip, methods=["GET"]),
    Route("/ke-hoach/{name}/xem-truoc", preview_page, methods=["GET"]),
    Route("/tep/{path:path}", download, methods=["GET"]),
    Route("/anh/{sha}/{page}", preview_image, methods=["GET"]),
]
