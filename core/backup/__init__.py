"""Backup and restore of the whole installation: every table's rows with their
primary keys and every stored file, in one ZIP archive (see README, Backup and
restore)."""

from core.backup.dump import BackupError, BackupSummary, create_backup
from core.backup.load import RestoreError, RestoreSummary, restore_backup

__all__ = ["BackupError", "BackupSummary", "RestoreError", "RestoreSummary", "create_backup", "restore_backup"]
