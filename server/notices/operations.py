from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from .models import Notification


def notify_user(session: Session, user_id: uuid.UUID, org_id: uuid.UUID, topic: str, title: str, body: str = "",
                link: str = "") -> Notification:
    """Queue a notification for a user. Writes: notification."""
    note = Notification(user_id=user_id, org_id=org_id, topic=topic, title=title, body=body, link=link)
    session.add(note)
    return note
