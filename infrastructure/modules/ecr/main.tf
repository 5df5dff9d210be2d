resource "aws_ecr_repository" "this" {
  name = var.name
  # Tags are commit SHAs and release versions: an existing tag must never point at another image.
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  # KMS with the AWS managed key aws/ecr (no key to administer, CKV_AWS_136). Changing it replaces the repository:
  # the images are rebuilt from git by CI, and the repository goes with every `make destroy` anyway.
  encryption_configuration {
    encryption_type = "KMS"
  }

  tags = var.tags
}

# Tags the pipeline pushes: ci.yml pushes crm-app:<40-hex commit SHA> on every main commit; release.yml adds the
# release-please version (X.Y.Z, no "v": the git tag is vX.Y.Z, the image tag is outputs.version) to the same digest.
#
# ECR has no "keep" action, only "expire", and an image matched by a rule is not considered by any rule of lower
# priority. So rule 1 matches release images with a count no repository reaches (the ECR quota is 20,000 images):
# it never expires them and shields them from rule 3. Rule 2 expires untagged leftovers; rule 3 (tagStatus "any",
# which ECR requires to have the highest priority number) keeps the newest commit-SHA images.
resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Never expire release images (X.Y.Z): matched here, so rule 3 cannot expire them"
        selection = {
          tagStatus      = "tagged"
          tagPatternList = var.release_tag_patterns
          countType      = "imageCountMoreThan"
          countNumber    = var.release_images_never_reached
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Expire untagged images after ${var.untagged_expiry_days} days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.untagged_expiry_days
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 3
        description  = "Keep the newest ${var.keep_last_images} commit-SHA images (every other tagged image)"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.keep_last_images
        }
        action = { type = "expire" }
      },
    ]
  })
}
