"""`kehoach web`: the plan in a browser (see :func:`workflow.web.app.create_app`)."""
