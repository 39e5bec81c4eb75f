// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QString>

namespace qd {

/// `text` with the password of every URL userinfo in it (`//user:password@`) replaced: by `:mask` when `mask` is
/// given (`//user:***@`, for messages), else cut (`//user@`, for what is stored). The user name stays: it says whose
/// password to give again. Works on any text that quotes URLs, valid or not.
QString withoutUrlPasswords(const QString &text, const QString &mask = {});

} // namespace qd
