"""One module per verb. Each defines ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.

Command modules keep heavy imports (muranoclient, heatclient, the engine) inside ``run`` so that
``muranokit --help`` and every other verb start quickly.
"""

# verb -> module name under muranokit.tools.commands, in the order --help lists them
COMMANDS = {
    "build": "build",
    "validate": "validate",
    "upload": "upload",
    "image": "image",
    "deploy": "deploy",
    "action": "action",
    "clouds": "clouds",
    "test": "test",
    "new-app": "new_app",
}
