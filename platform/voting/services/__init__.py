from samenhang.voting.services.ballots import *  # noqa: F403
