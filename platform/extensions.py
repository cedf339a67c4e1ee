"""Extensions are created unbound here and bound to an app in samenhang.app."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from samenhang.db import Base
from samenhang.i18n import SamenhangBabel

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = SamenhangBabel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
