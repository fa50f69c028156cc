"""The workspace a chuyên viên works in (plans, units, outputs, versions): the layer the
web editor stands on, at the level of :mod:`workflow.build`."""

from .folder import NotFound, PlanInfo, Workspace, default_workspace, init_workspace, sample_dir
from .history import Conflict, History, Version, restore, save

__all__ = ["Conflict", "History", "NotFound", "PlanInfo", "Version", "Workspace",
           "default_workspace", "init_workspace", "restore", "sample_dir", "save"]
