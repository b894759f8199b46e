import time

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "从 manage.py backup 生成的加密归档恢复本站：先用 BACKUP_KEY 解密并验证整个归档，"
        "再核对清单和每个文件的校验值，只恢复到空数据库"
        "（数据库类型须与备份相同）和空的或不存在的媒体目录，恢复后再核对行数和文件校验值。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件（county-site-….tar.enc 或 .tar.gz.enc）")

    def handle(self, *args, archive, **options):
        started = time.perf_counter()
        try:
            summary = restore_backup(archive, log=lambda line: self.stdout.write(line))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成（{summary['created_at']} 的备份，用时 "
                f"{time.perf_counter() - started:.1f} 秒）：数据库 {summary['tables']} 张表、"
                f"{summary['rows']} 行与清单一致；媒体文件新写入 {summary['files_written']} 个、"
                f"已存在且相同 {summary['files_same']} 个，校验值全部相符；"
                f"已清除 {summary['sessions_cleared']} 个登录会话。"
                "使用 Elasticsearch 时请运行 manage.py update_index 重建其索引。"
            )
        )
