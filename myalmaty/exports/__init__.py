"""Exports of published ideas for forums: one code path for the web download and `flask export`.

The download routes live on the organise blueprint, whose package imports `exports.routes`;
importing the organise package first here keeps that cycle in one order whichever module of
either package is imported first (a script may start with `myalmaty.exports.filters`).
"""

import myalmaty.organise  # noqa: F401
