from samenhang.blueprints.voting.views.vote import *  # noqa: F403
