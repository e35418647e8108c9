"""Imports every model module so ``Base.metadata`` is complete (migrations, tests)."""

from sync import models as _sync  # noqa: F401

from .auth import models as _auth  # noqa: F401
from .basedata import models as _basedata  # noqa: F401
from .blobs import models as _blobs  # noqa: F401
from .core import models as _core  # noqa: F401
from .db import Base
from .exchange import models as _exchange  # noqa: F401
from .finance import models as _finance  # noqa: F401
from .notices import models as _notices  # noqa: F401
from .org import models as _org  # noqa: F401
from .notes import models as _notes  # noqa: F401
from .outbox import models as _outbox  # noqa: F401
from .repair import models as _repair  # noqa: F401
from .stock import models as _stock  # noqa: F401
from .swap import models as _swap  # noqa: F401

from .areas import modules as _area_modules

_area_modules("models")

metadata = Base.metadata
