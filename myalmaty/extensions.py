"""Extensions, created unbound; `create_app` binds them to an app."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from myalmaty.core.models import Base

db = SQLAlchemy(model_class=Base)

# Models subclass `Model`. At run time it is `db.Model`: our declarative `Base` with
# Flask-SQLAlchemy's table-name, bind and repr mixins. A type checker cannot take an instance
# attribute as a base class, so it is told the part that types the columns: `Base`.
if TYPE_CHECKING:

    class Model(Base):
        __abstract__ = True

else:
    Model = db.Model

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
