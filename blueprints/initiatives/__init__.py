from __future__ import annotations

from flask import Blueprint

from samenhang.blueprints.initiatives import views

bp = Blueprint("initiatives", __name__)

_wijk = "/g/<municipality_slug>/<wijk_slug>"
_one = "/initiatives/<int:initiative_id>"
POST = ["POST"]
GET_POST = ["GET", "POST"]

bp.add_url_rule(f"{_wijk}/initiatives", view_func=views.wijk_list)
bp.add_url_rule(f"{_wijk}/initiatives/feed.atom", view_func=views.wijk_feed)
bp.add_url_rule(f"{_wijk}/initiatives/new", view_func=views.create, methods=GET_POST)
bp.add_url_rule(f"{_wijk}/moderation", view_func=views.moderation)
bp.add_url_rule(f"{_wijk}/moderation-log", view_func=views.moderation_log)
bp.add_url_rule("/g/<municipality_slug>/initiatives", view_func=views.municipality_list)
bp.add_url_rule("/g/<municipality_slug>/initiatives/feed.atom", view_func=views.municipality_feed)
bp.add_url_rule("/my/initiatives", view_func=views.mine)
bp.add_url_rule(_one, view_func=views.show)
bp.add_url_rule(f"{_one}/edit", view_func=views.edit, methods=GET_POST)
bp.add_url_rule(f"{_one}/photos", view_func=views.add_photo, methods=POST)
bp.add_url_rule(f"{_one}/photos/<int:photo_id>/delete", view_func=views.remove_photo, methods=POST)
bp.add_url_rule(f"{_one}/submit", view_func=views.submit, methods=POST)
bp.add_url_rule(f"{_one}/support", view_func=views.support, methods=POST)
bp.add_url_rule(f"{_one}/unsupport", view_func=views.unsupport, methods=POST)
bp.add_url_rule(f"{_one}/follow", view_func=views.follow, methods=POST)
bp.add_url_rule(f"{_one}/unfollow", view_func=views.unfollow, methods=POST)
bp.add_url_rule(f"{_one}/comments", view_func=views.comment, methods=POST)
bp.add_url_rule(f"{_one}/flag", view_func=views.flag, methods=POST)
bp.add_url_rule(f"{_one}/realised", view_func=views.realise, methods=POST)
bp.add_url_rule(f"{_one}/decide", view_func=views.decide, methods=GET_POST)
bp.add_url_rule(f"{_one}/dismiss-flags", view_func=views.dismiss_flags, methods=POST)
bp.add_url_rule("/comments/<int:comment_id>/hide", view_func=views.hide_comment, methods=POST)
bp.add_url_rule("/media/initiatives/<name>-<int:width>.jpg", view_func=views.photo_file)
